import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import {
  EMAIL_INDEX,
  type IndexDefinition,
  STATUS_INDEX,
  TAX_ID_INDEX,
} from '../lib/store/table-definition.js';

/** The actions the query library (`piriod-mirror` package) uses: reads only. */
export const CONSUMER_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
] as const;

/** The indexes consumers query; the version index is the full mirror's own. */
const CONSUMER_INDEXES: readonly IndexDefinition[] = [EMAIL_INDEX, TAX_ID_INDEX, STATUS_INDEX];

/**
 * The table and its three query indexes, named one by one rather than `<table>/index/*`, so
 * a consumer gets nothing a future internal index holds and cdk-nag has no wildcard to flag.
 * A Query on an index is authorized on the index's ARN only, hence the index ARNs.
 */
export function consumerResources(tableArn: string): string[] {
  return [tableArn, ...CONSUMER_INDEXES.map((i) => `${tableArn}/index/${i.name}`)];
}

/**
 * A managed policy other services attach to read the mirror (output `ConsumerPolicyArn`):
 * GetItem, BatchGetItem and Query on {@link consumerResources}.
 */
export function consumerReadPolicy(scope: Construct, tableArn: string): iam.ManagedPolicy {
  return new iam.ManagedPolicy(scope, 'ConsumerPolicy', {
    description: 'Read-only access to the Piriod customers mirror (GetItem, BatchGetItem, Query)',
    statements: [
      new iam.PolicyStatement({
        actions: [...CONSUMER_ACTIONS],
        resources: consumerResources(tableArn),
      }),
    ],
  });
}
