/**
 * A deployment of a synthesized template on paper: every resource gets the physical name and
 * ARN CloudFormation would give it in one fixed account and region, and every intrinsic
 * (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`, pseudo parameters)
 * resolves to those values. An intrinsic, resource type or attribute it does not model
 * throws, naming it, rather than resolving to something that would make a check pass.
 */

/** A CloudFormation template as JSON. */
export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown }>;
}

/** Where the paper deployment lives. */
export interface DeploymentSite {
  account: string;
  region: string;
  /** Appended to generated names, as CloudFormation appends a random suffix. */
  suffix: string;
  stackName?: string;
}

/** Marks a value `AWS::NoValue` removed. */
const NO_VALUE = Symbol('AWS::NoValue');

/** The template deployed on paper: physical names, ARNs and resolved values. */
export class SimulatedDeployment {
  readonly partition = 'aws';
  readonly stackName: string;

  constructor(
    readonly template: CfnTemplate,
    readonly site: DeploymentSite,
  ) {
    this.stackName = site.stackName ?? 'PiriodMirror';
  }

  /** The stack's id, its ARN: `arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`. */
  get stackId(): string {
    return this.arn(
      'cloudformation',
      `stack/${this.stackName}/1f2e3d4c-0000-4000-8000-${this.site.suffix.toLowerCase().padStart(12, '0')}`,
    );
  }

  /** The generated physical name of a resource (`Stack-LogicalId-SUFFIX`, as CloudFormation names them). */
  physicalName(logicalId: string): string {
    this.resource(logicalId);
    return `${this.stackName}-${logicalId}-${this.site.suffix}`;
  }

  /** `arn:aws:<service>:<region>:<account>:<rest>` in this deployment's account and region. */
  arn(service: string, rest: string): string {
    return `arn:${this.partition}:${service}:${this.site.region}:${this.site.account}:${rest}`;
  }

  /** What `{ Ref: logicalId }` resolves to. */
  ref(logicalId: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Region': this.site.region,
      'AWS::AccountId': this.site.account,
      'AWS::Partition': this.partition,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': this.stackName,
      'AWS::StackId': this.stackId,
    };
    if (pseudo[logicalId] !== undefined) return pseudo[logicalId];
    const type = this.resource(logicalId).Type;
    const name = this.physicalName(logicalId);
    switch (type) {
      case 'AWS::SQS::Queue':
        return `https://sqs.${this.site.region}.amazonaws.com/${this.site.account}/${name}`;
      case 'AWS::SecretsManager::Secret':
      case 'AWS::SNS::Topic':
        return this.getAtt(logicalId, type === 'AWS::SNS::Topic' ? 'TopicArn' : 'Id');
      case 'AWS::IAM::ManagedPolicy':
        return this.arn('iam', `policy/${name}`).replace(`:${this.site.region}:`, '::');
      case 'AWS::DynamoDB::GlobalTable':
      case 'AWS::DynamoDB::Table':
      case 'AWS::Events::EventBus':
      case 'AWS::Events::Rule':
      case 'AWS::Logs::LogGroup':
      case 'AWS::Lambda::Function':
      case 'AWS::IAM::Role':
      case 'AWS::IAM::Policy':
      case 'AWS::KMS::Key':
        return name;
      default:
        throw new Error(`Ref of ${type} (${logicalId}) is not modelled`);
    }
  }

  /** What `{ "Fn::GetAtt": [logicalId, attribute] }` resolves to. */
  getAtt(logicalId: string, attribute: string): string {
    const type = this.resource(logicalId).Type;
    const name = this.physicalName(logicalId);
    const key = `${type}.${attribute}`;
    switch (key) {
      case 'AWS::DynamoDB::GlobalTable.Arn':
      case 'AWS::DynamoDB::Table.Arn':
        return this.arn('dynamodb', `table/${name}`);
      case 'AWS::DynamoDB::GlobalTable.StreamArn':
      case 'AWS::DynamoDB::Table.StreamArn':
        return this.arn('dynamodb', `table/${name}/stream/2026-01-01T00:00:00.000`);
      case 'AWS::Events::EventBus.Arn':
        return this.arn('events', `event-bus/${name}`);
      case 'AWS::Events::EventBus.Name':
        return name;
      case 'AWS::Events::Rule.Arn':
        return this.arn('events', `rule/${name}`);
      case 'AWS::SQS::Queue.Arn':
        return this.arn('sqs', name);
      case 'AWS::SQS::Queue.QueueName':
        return name;
      case 'AWS::SQS::Queue.QueueUrl':
        return this.ref(logicalId);
      case 'AWS::SecretsManager::Secret.Id':
        // Secrets Manager appends six random characters to the name in the ARN.
        return this.arn('secretsmanager', `secret:${name}-AbC123`);
      case 'AWS::Logs::LogGroup.Arn':
        // CloudFormation's Arn of a log group ends in ":*" (all its streams).
        return this.arn('logs', `log-group:${name}:*`);
      case 'AWS::Lambda::Function.Arn':
        return this.arn('lambda', `function:${name}`);
      case 'AWS::Lambda::Url.FunctionUrl':
        return `https://${this.site.suffix.toLowerCase()}.lambda-url.${this.site.region}.on.aws/`;
      case 'AWS::IAM::Role.Arn':
        return `arn:${this.partition}:iam::${this.site.account}:role/${name}`;
      case 'AWS::SNS::Topic.TopicArn':
        return this.arn('sns', name);
      case 'AWS::KMS::Key.Arn':
        return this.arn('kms', `key/${name}`);
      default:
        throw new Error(`Fn::GetAtt ${attribute} of ${type} (${logicalId}) is not modelled`);
    }
  }

  /** Resolves every intrinsic in `value` (deeply), dropping `AWS::NoValue`. */
  resolve(value: unknown): unknown {
    const out = this.resolveAny(value);
    if (out === NO_VALUE) throw new Error('a whole value resolved to AWS::NoValue');
    return out;
  }

  /** Resolves `value` and insists on a string. */
  resolveString(value: unknown): string {
    const out = this.resolve(value);
    if (typeof out !== 'string') throw new Error(`expected a string, got ${JSON.stringify(out)}`);
    return out;
  }

  /** A resource of the template by logical id. */
  resource(logicalId: string) {
    const r = this.template.Resources[logicalId];
    if (!r) throw new Error(`no resource ${logicalId} in the template`);
    return r;
  }

  private resolveAny(value: unknown): unknown {
    if (Array.isArray(value)) {
      return value.map((v) => this.resolveAny(v)).filter((v) => v !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.intrinsic(first[0], first[1]);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const r = this.resolveAny(v);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  private intrinsic(name: string, arg: unknown): unknown {
    switch (name) {
      case 'Ref':
        return arg === 'AWS::NoValue' ? NO_VALUE : this.ref(String(arg));
      case 'Fn::GetAtt': {
        const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
        return this.getAtt(String(id), String(attribute));
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return (this.resolveAny(parts) as unknown[]).map(String).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = this.resolveAny(list) as unknown[];
        const i = Number(this.resolveAny(index));
        if (!Array.isArray(items) || i < 0 || i >= items.length) {
          throw new Error(`Fn::Select ${i} out of range`);
        }
        return items[i];
      }
      case 'Fn::Split': {
        const [separator, source] = arg as [string, unknown];
        return this.resolveString(source).split(separator);
      }
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
        const bound = this.resolveAny(vars) as Record<string, unknown>;
        return String(text).replace(/\$\{([^}!]+)\}/g, (_, ref: string) => {
          if (Object.hasOwn(bound, ref)) return String(bound[ref]);
          const [id, attribute] = ref.split('.');
          return attribute ? this.getAtt(String(id), attribute) : this.ref(ref);
        });
      }
      default:
        throw new Error(`intrinsic ${name} is not modelled`);
    }
  }
}
