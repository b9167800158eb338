import type { AwsCall } from './aws-calls.js';
import type { PolicyStatement } from './policy-evaluator.js';
import type { SimulatedDeployment } from './simulated-deployment.js';

/** A function of the template as deployed: its name, role policies, environment, and what Lambda does with its role. */
export interface DeployedFunction {
  logicalId: string;
  /** The folder under `functions/` (`FullMirror…` → `full-mirror`). */
  name: string;
  physicalName: string;
  roleLogicalId: string;
  /** Every statement of every policy attached to the role, intrinsics resolved. */
  statements: PolicyStatement[];
  /** The environment variables the stack sets, intrinsics resolved. */
  environment: Record<string, string>;
  /** Calls Lambda makes with the function's role on its behalf (logs, pollers, destinations). */
  onBehalf: AwsCall[];
}

type Props = Record<string, unknown>;

/**
 * The template's functions, keyed by folder name (`functions/<name>/`), which each role's
 * description starts with (the construct ids are their PascalCase: `RefreshCustomers`).
 */
export function deployedFunctions(d: SimulatedDeployment): Map<string, DeployedFunction> {
  const out = new Map<string, DeployedFunction>();
  for (const [logicalId, resource] of Object.entries(d.template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const props = resource.Properties ?? {};
    const roleLogicalId = logicalIdOf(props.Role, 'Arn');
    const described = /^([a-z-]+):/.exec(
      String(d.resource(roleLogicalId).Properties?.Description ?? ''),
    )?.[1];
    const name = described ?? kebab(logicalId.replace(/Function[0-9A-F]{8}$/, ''));
    out.set(name, {
      logicalId,
      name,
      physicalName: d.ref(logicalId),
      roleLogicalId,
      statements: roleStatements(d, roleLogicalId),
      environment: d.resolve((props.Environment as Props | undefined)?.Variables ?? {}) as Record<
        string,
        string
      >,
      onBehalf: onBehalfCalls(d, logicalId, props),
    });
  }
  return out;
}

/** The statements of the role's inline policies, of `AWS::IAM::Policy`s attached to it, and of the template's managed policies attached to it. */
function roleStatements(d: SimulatedDeployment, roleLogicalId: string): PolicyStatement[] {
  const role = d.resource(roleLogicalId).Properties ?? {};
  if (role.PermissionsBoundary)
    throw new Error(`${roleLogicalId}: permission boundaries are not modelled`);
  const documents: unknown[] = ((role.Policies as Props[] | undefined) ?? []).map(
    (p) => p.PolicyDocument,
  );
  for (const arn of (role.ManagedPolicyArns as unknown[] | undefined) ?? []) {
    const ref = (arn as { Ref?: string }).Ref;
    if (!ref || d.resource(ref).Type !== 'AWS::IAM::ManagedPolicy') {
      // An AWS managed policy's content is not in the template: a check cannot see what it allows.
      throw new Error(
        `${roleLogicalId}: managed policy ${JSON.stringify(arn)} is not in the template`,
      );
    }
    documents.push(d.resource(ref).Properties?.PolicyDocument);
  }
  for (const resource of Object.values(d.template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = (resource.Properties?.Roles as { Ref?: string }[] | undefined) ?? [];
    if (roles.some((r) => r.Ref === roleLogicalId))
      documents.push(resource.Properties?.PolicyDocument);
  }
  return documents.flatMap(
    (doc) => (d.resolve((doc as { Statement: unknown }).Statement) as PolicyStatement[]) ?? [],
  );
}

/**
 * What Lambda itself does with the function's role, read from the template: writes the
 * function's logs, polls its SQS and stream event sources, and sends to the on-failure
 * destinations of those sources and of its asynchronous invocations.
 */
function onBehalfCalls(d: SimulatedDeployment, fnId: string, props: Props): AwsCall[] {
  const calls: AwsCall[] = [];
  const by = (why: string) => ({ origin: 'lambda' as const, why });
  const logGroup = (props.LoggingConfig as Props | undefined)?.LogGroup;
  const groupName = logGroup ? d.resolveString(logGroup) : `/aws/lambda/${d.ref(fnId)}`;
  const stream = d.arn(
    'logs',
    `log-group:${groupName}:log-stream:2026/01/01/[$LATEST]0123456789abcdef`,
  );
  for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) {
    calls.push({ action, resource: stream, ...by('function logs') });
  }
  if (props.DeadLetterConfig) {
    calls.push(
      destination(d, (props.DeadLetterConfig as Props).TargetArn, by('function dead-letter queue')),
    );
  }
  if (props.VpcConfig || props.KmsKeyArn || props.FileSystemConfigs) {
    throw new Error(
      `${fnId}: VPC, KMS or file-system settings need role permissions this check does not model`,
    );
  }
  for (const [id, resource] of Object.entries(d.template.Resources)) {
    const p = resource.Properties ?? {};
    const target = (p.FunctionName as { Ref?: string; 'Fn::GetAtt'?: string[] } | undefined) ?? {};
    const forThis = target.Ref === fnId || target['Fn::GetAtt']?.[0] === fnId;
    if (!forThis) continue;
    if (resource.Type === 'AWS::Lambda::EventSourceMapping') {
      const source = d.resolveString(p.EventSourceArn);
      if (source.startsWith(d.arn('sqs', ''))) {
        // What Lambda documents its SQS poller needs (AWSLambdaSQSQueueExecutionRole).
        for (const a of ['ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes']) {
          calls.push({ action: `sqs:${a}`, resource: source, ...by(`SQS event source ${id}`) });
        }
      } else if (/:dynamodb:.*\/stream\//.test(source)) {
        for (const a of ['DescribeStream', 'GetRecords', 'GetShardIterator']) {
          calls.push({
            action: `dynamodb:${a}`,
            resource: source,
            ...by(`stream event source ${id}`),
          });
        }
        // ListStreams has no resource-level permissions: IAM authorizes it on "*" only, so a
        // grant on the stream's ARN is denied in AWS.
        calls.push({
          action: 'dynamodb:ListStreams',
          resource: '*',
          ...by(`stream event source ${id}`),
        });
      } else {
        throw new Error(`${id}: event source ${source} is not modelled`);
      }
    } else if (resource.Type === 'AWS::Lambda::EventInvokeConfig') {
      // Asynchronous invocations' destinations are sent with the function's role.
    } else {
      continue;
    }
    const config = p.DestinationConfig as Record<string, Props | undefined> | undefined;
    for (const kind of ['OnSuccess', 'OnFailure']) {
      const dest = config?.[kind]?.Destination;
      if (dest) calls.push(destination(d, dest, by(`${kind} destination of ${id}`)));
    }
  }
  return calls;
}

function destination(
  d: SimulatedDeployment,
  target: unknown,
  origin: { origin: 'lambda'; why: string },
): AwsCall {
  const arn = d.resolveString(target);
  const service = arn.split(':')[2];
  const action = {
    sqs: 'sqs:SendMessage',
    sns: 'sns:Publish',
    lambda: 'lambda:InvokeFunction',
    events: 'events:PutEvents',
    s3: 's3:PutObject',
  }[service ?? ''];
  if (!action) throw new Error(`destination ${arn} is not modelled`);
  return { action, resource: arn, ...origin };
}

function logicalIdOf(value: unknown, attribute: string): string {
  const getAtt = (value as { 'Fn::GetAtt'?: string[] } | undefined)?.['Fn::GetAtt'];
  if (!getAtt || getAtt[1] !== attribute)
    throw new Error(`expected Fn::GetAtt …${attribute}, got ${JSON.stringify(value)}`);
  return getAtt[0] as string;
}

function kebab(pascal: string): string {
  return pascal.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
