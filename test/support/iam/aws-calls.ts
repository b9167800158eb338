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
    const url = new URL(String(body.QueueUrl));
    const [, account, name] = url.pathname.split('/');
    // SQS authorizes a batch as its single-message action: there is no sqs:SendMessageBatch.
    const action = operation.replace(/Batch$/, '');
    return [call(`sqs:${action}`, `arn:aws:sqs:${site.region}:${account}:${name}`)];
  }
  if (prefix === 'AWSEvents') {
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

/** The region of a SigV4-signed request, from its `Authorization` credential scope. */
export function signedRegion(authorization: string | undefined): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(authorization ?? '')?.[1];
}
