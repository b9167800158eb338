/**
 * AWS calls as IAM sees them: which action on which resource, with which condition keys.
 * Built from the wire request the official SDK sends (its `X-Amz-Target` and JSON body),
 * so whatever client a function builds, its calls are seen the way AWS authorizes them.
 */

/** One authorization IAM makes: the action, the resource ARN and the request's condition keys. */
export interface AwsCall {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  /** `function`: the function's own code made it; `lambda`: Lambda does it with the role. */
  origin: 'function' | 'lambda';
  /** What made the call (the API operation, or why Lambda makes it). */
  why: string;
}

/** The account and region the calls are made in. */
export interface CallSite {
  account: string;
  /** Region of the request (SigV4 scope); the caller's region when the request has none. */
  region: string;
  /** Full ARN of a secret named by name rather than ARN (AWS authorizes against the ARN). */
  secretArn?: (nameOrArn: string) => string;
  /** The ARN (id) of a stack named by name: IAM authorizes DescribeStacks against it. */
  stackArn?: (nameOrArn: string) => string;
}

type Body = Record<string, unknown>;

/**
 * The authorizations one JSON-protocol request needs. `BatchGetItem` and `BatchWriteItem` are
 * authorized per table, a transaction per item and its own action, `PutEvents` per entry with
 * that entry's `events:source` and `events:detail-type`.
 *
 * @throws Error for a service or operation it does not model, so nothing goes unchecked.
 */
export function awsCallsOf(target: string, body: Body, site: CallSite): AwsCall[] {
  const [prefix = '', operation = ''] = target.split('.');
  const call = (action: string, resource: string, context?: AwsCall['context']): AwsCall => ({
    action,
    resource,
    ...(context ? { context } : {}),
    origin: 'function',
    why: operation,
  });
  const arn = (service: string, rest: string) =>
    `arn:aws:${service}:${site.region}:${site.account}:${rest}`;
  if (prefix === 'DynamoDB_20120810') {
    const table = (name: unknown) => {
      const n = String(name);
      return n.startsWith('arn:') ? n : arn('dynamodb', `table/${n}`);
    };
    switch (operation) {
      case 'BatchGetItem':
      case 'BatchWriteItem':
        return Object.keys(body.RequestItems as Body).map((t) =>
          call(`dynamodb:${operation}`, table(t)),
        );
      case 'TransactWriteItems':
      case 'TransactGetItems':
        return (body.TransactItems as Body[]).map((item) => {
          const [kind, spec] = Object.entries(item)[0] as [string, Body];
          const action = {
            Put: 'PutItem',
            Update: 'UpdateItem',
            Delete: 'DeleteItem',
            ConditionCheck: 'ConditionCheckItem',
            Get: 'GetItem',
          }[kind];
          if (!action) throw new Error(`transaction item ${kind} is not modelled`);
          return call(`dynamodb:${action}`, table(spec.TableName));
        });
      case 'Query':
      case 'Scan':
        return [
          call(
            `dynamodb:${operation}`,
            body.IndexName
              ? `${table(body.TableName)}/index/${body.IndexName}`
              : table(body.TableName),
          ),
        ];
      default:
        if (body.TableName === undefined)
          throw new Error(`DynamoDB ${operation} without TableName is not modelled`);
        return [call(`dynamodb:${operation}`, table(body.TableName))];
    }
  }
  if (prefix === 'AmazonSQS') {
    if (operation === 'GetQueueUrl') {
      return [
        call(
          'sqs:GetQueueUrl',
          arn('sqs', String(body.QueueName)).replace(
            `:${site.account}:`,
            `:${String(body.QueueOwnerAWSAccountId ?? site.account)}:`,
          ),
        ),
      ];
    }
    if (operation.endsWith('MessageMoveTask') || operation === 'ListMessageMoveTasks') {
      // Authorized on the source queue; the task then needs more there and on the destination
      // (AWS documents those; the caller adds them as calls of their own).
      const source = body.SourceArn ?? body.TaskHandle;
      if (typeof source !== 'string' || !source.startsWith('arn:'))
        throw new Error(`SQS ${operation} without a SourceArn is not modelled`);
      return [call(`sqs:${operation}`, source)];
    }
    const url = new URL(String(body.QueueUrl));
    const [, account, name] = url.pathname.split('/');
    // SQS authorizes a batch as its single-message action: there is no sqs:SendMessageBatch.
    const action = operation.replace(/Batch$/, '');
    return [call(`sqs:${action}`, `arn:aws:sqs:${site.region}:${account}:${name}`)];
  }
  if (prefix === 'AWSEvents') {
    if (operation === 'DescribeRule') {
      const bus = body.EventBusName ? `${String(body.EventBusName)}/` : '';
      return [call('events:DescribeRule', arn('events', `rule/${bus}${String(body.Name)}`))];
    }
    if (operation !== 'PutEvents') throw new Error(`EventBridge ${operation} is not modelled`);
    return (body.Entries as Body[]).map((e) => {
      const bus = String(e.EventBusName ?? 'default');
      return call(
        'events:PutEvents',
        bus.startsWith('arn:') ? bus : arn('events', `event-bus/${bus}`),
        {
          'events:source': String(e.Source),
          'events:detail-type': String(e.DetailType),
        },
      );
    });
  }
  if (prefix === 'secretsmanager') {
    const id = String(body.SecretId);
    const resource = id.startsWith('arn:')
      ? id
      : (site.secretArn?.(id) ?? arn('secretsmanager', `secret:${id}`));
    return [call(`secretsmanager:${operation}`, resource)];
  }
  throw new Error(`calls to ${target} are not modelled`);
}

/**
 * The authorizations one Query-protocol request (form parameters, `Action=…`) needs:
 * CloudFormation's `DescribeStacks` of one stack and SNS's `ListSubscriptionsByTopic`.
 *
 * @throws Error for any other action, so nothing goes unchecked.
 */
export function queryCallsOf(params: Record<string, string>, site: CallSite): AwsCall[] {
  const call = (action: string, resource: string): AwsCall => ({
    action,
    resource,
    origin: 'function',
    why: String(params.Action),
  });
  if (params.Action === 'DescribeStacks' && params.StackName) {
    const name = params.StackName;
    return [call('cloudformation:DescribeStacks', site.stackArn?.(name) ?? name)];
  }
  if (params.Action === 'ListSubscriptionsByTopic' && params.TopicArn) {
    return [call('sns:ListSubscriptionsByTopic', params.TopicArn)];
  }
  throw new Error(`Query action ${params.Action} is not modelled`);
}

/** The region of a SigV4-signed request, from its `Authorization` credential scope. */
export function signedRegion(authorization: string | undefined): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(authorization ?? '')?.[1];
}
