import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bundleDir, type FunctionName } from './function-bundles.js';

/** Props of a {@link MirrorFunction}. */
export interface MirrorFunctionProps {
  /** Folder under `functions/` holding `handler.ts`, and of its bundle. */
  name: FunctionName;
  /** The folder of prebuilt bundles (one sub-folder per function). */
  bundlesDir: string;
  description: string;
  timeout: Duration;
  memorySize: number;
  environment: Record<string, string>;
  logRetentionDays: number;
  reservedConcurrentExecutions?: number;
}

/**
 * One of the product's Lambdas: Node.js 24 on arm64, the ESM bundle `npm run build` made
 * (minified, with source maps; no bundler at synth time), its own log group with retention, and its own role that may
 * only write to that log group — every other permission is granted explicitly.
 */
export class MirrorFunction extends Construct {
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: MirrorFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: retention(props.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.name}: logs to its own group; other grants are explicit`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${this.logGroup.logGroupArn}`],
      }),
    );
    this.fn = new lambda.Function(this, 'Function', {
      code: lambda.Code.fromAsset(bundleDir(props.bundlesDir, props.name)),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      timeout: props.timeout,
      memorySize: props.memorySize,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
    });
  }
}

function retention(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays).filter(
    (v): v is number => typeof v === 'number' && v > 0,
  );
  const fit = allowed.sort((a, b) => a - b).find((d) => d >= days);
  return (fit ?? logs.RetentionDays.TEN_YEARS) as logs.RetentionDays;
}
