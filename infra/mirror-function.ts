import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Props of a {@link MirrorFunction}. */
export interface MirrorFunctionProps {
  /** Folder under `functions/` holding `handler.ts`. */
  name: string;
  description: string;
  timeout: Duration;
  memorySize: number;
  environment: Record<string, string>;
  logRetentionDays: number;
  reservedConcurrentExecutions?: number;
}

/**
 * One of the product's Lambdas: Node.js 24 on arm64, an ESM bundle made by the local esbuild
 * (minified, with source maps), its own log group with retention, and its own role that may
 * only write to that log group — every other permission is granted explicitly.
 */
export class MirrorFunction extends Construct {
  readonly fn: NodejsFunction;
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
    this.fn = new NodejsFunction(this, 'Function', {
      entry: `${ROOT}functions/${props.name}/handler.ts`,
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: `${ROOT}package-lock.json`,
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
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        target: 'node24',
        mainFields: ['module', 'main'],
        externalModules: [],
        // Some dependencies still call require(); give ESM bundles one.
        banner:
          "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
        forceDockerBundling: false,
      },
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
