import { App, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { flagValue } from '../lib/env-variables.js';
import { PiriodMirrorPropsError } from './construct-props.js';
import { MissingBundleError } from './function-bundles.js';
import { PiriodMirror } from './piriod-mirror.js';
import {
  configFromContext,
  type MirrorStackConfig,
  StackConfigError,
  stackNameFromContext,
} from './stack-config.js';

/** Props of the {@link PiriodMirrorStack}. */
export interface PiriodMirrorStackProps extends StackProps {
  config: MirrorStackConfig;
}

/**
 * This repository's deployment: one {@link PiriodMirror} and the contract's stack outputs,
 * nothing else. The construct's id is CDK's hidden `Default`, so its resources' logical ids
 * are those of resources placed directly in the stack.
 */
export class PiriodMirrorStack extends Stack {
  readonly mirror: PiriodMirror;

  constructor(scope: Construct, id: string, props: PiriodMirrorStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.mirror = new PiriodMirror(this, 'Default', {
      workspaces: config.workspaces,
      apiUrl: config.apiUrl,
      schedule: Duration.minutes(config.scheduleMinutes),
      workerConcurrency: config.workerConcurrency,
      receiverConcurrency: config.receiverConcurrency,
      batchingWindow: Duration.seconds(config.batchingWindowSeconds),
      reservedConcurrency: config.reservedConcurrency,
      publishChanges: config.publishChanges,
      tableStream: config.tableStream,
      logRetentionDays: config.logRetentionDays,
    });
    this.mirror.addStackOutputs();
  }
}

/**
 * The CDK app (`cdk.json` → `npx tsx infra/app.ts`). Parameters come from context:
 * `npx cdk deploy -c workspace=acc_… -c stackName=PiriodMirrorStaging -c publishChanges=true`.
 * cdk-nag's AwsSolutions checks run on every synth: an unacknowledged finding fails it.
 */
export function buildApp(app = new App()): { app: App; stack: PiriodMirrorStack } {
  const stack = new PiriodMirrorStack(app, stackNameFromContext(app.node), {
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
    // A missing or bad -c value, or bundles not built, is the user's to fix: its one line,
    // not a stack trace.
    const userError =
      err instanceof StackConfigError ||
      err instanceof PiriodMirrorPropsError ||
      err instanceof MissingBundleError;
    if (!userError) throw err;
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
