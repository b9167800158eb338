import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { flagValue } from '../lib/env-variables.js';
import { PiriodMirrorStack } from './piriod-mirror-stack.js';
import { configFromContext, StackConfigError } from './stack-config.js';

/**
 * The CDK app (`cdk.json` → `npx tsx infra/app.ts`). Parameters come from context:
 * `npx cdk deploy -c workspace=acc_… -c scheduleMinutes=15 -c publishChanges=true`.
 * cdk-nag's AwsSolutions checks run on every synth: an unacknowledged finding fails it.
 */
export function buildApp(app = new App()): { app: App; stack: PiriodMirrorStack } {
  const stack = new PiriodMirrorStack(app, 'PiriodMirror', {
    config: configFromContext(app.node),
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    description: 'piriod-mirror: Piriod customers mirrored into DynamoDB',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

/** What to do when the CDK CLI found no AWS account (no credentials): a deploy cannot go on. */
export const NO_ACCOUNT_HINT =
  'no AWS account: the CDK found no AWS credentials. Run `aws configure` (keys) or `aws sso login --profile P` and set AWS_PROFILE=P, and export AWS_REGION, then run the command again; `npm run synth` needs none';

/**
 * Whether the app runs for a command that needs an AWS account: a deploy (no `synthOnly`), or
 * `npm run bootstrap`, which synthesizes without a workspace (`synthOnly`) but marks itself
 * with `-c bootstrap=true` so that it gets the same hint.
 */
export function needsAccount(context: (key: string) => unknown): boolean {
  return flagValue(context('synthOnly')) !== true || flagValue(context('bootstrap')) === true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const { app } = buildApp();
    // The CDK CLI sets CDK_DEFAULT_ACCOUNT when it found credentials; without them a deploy
    // ends in "Unable to resolve AWS account to use", which does not say what to set.
    if (!process.env.CDK_DEFAULT_ACCOUNT && needsAccount((k) => app.node.tryGetContext(k)))
      process.stderr.write(`${NO_ACCOUNT_HINT}\n`);
    app.synth();
  } catch (err) {
    // A missing or bad -c value is the user's to fix: its one line, not a stack trace.
    if (!(err instanceof StackConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
  }
}
