// A team's own CDK app, in plain JavaScript: `node app.mjs` synthesizes it (or
// `npx cdk synth --app "node app.mjs"`). No esbuild, Docker or TypeScript: the mirror's
// functions come prebuilt in the piriod-mirror package.
//
// Context: `-c existingBus=company-events` puts the mirror's rules on a bus the company
// already has instead of a bus of its own.
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PiriodMirror } from 'piriod-mirror/cdk';

const app = new App();
const stack = new Stack(app, 'BillingServices');
const existingBus = app.node.tryGetContext('existingBus');

const mirror = new PiriodMirror(stack, 'Mirror', {
  workspaces: ['acc_EXAMPLE'],
  // New accounts have too little Lambda concurrency to reserve any.
  reservedConcurrency: false,
  ...(existingBus ? { eventBus: events.EventBus.fromEventBusName(stack, 'Bus', existingBus) } : {}),
});
// The outputs `npx piriod-mirror doctor --stack BillingServices` reads.
mirror.addStackOutputs();

// A service of the app's own that reads the mirror with the query library.
const invoicing = new iam.Role(stack, 'InvoicingService', {
  assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  description: 'Reads Piriod customers from the mirror',
});
mirror.grantRead(invoicing);

// cdk-nag's AwsSolutions checks: an unacknowledged finding fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
