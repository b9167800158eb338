import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { EVENT_SOURCE } from '../lib/messages/event-names.js';
import type { ResolvedProps } from './construct-props.js';
import type { WorkspaceSecrets } from './mirror-storage.js';

/** What the functions of the construct are wired to: built first, shared by every part. */
export interface MirrorParts {
  props: ResolvedProps;
  /** The folder of prebuilt function bundles. */
  bundlesDir: string;
  table: dynamodb.TableV2;
  bus: events.IEventBus;
  refreshQueue: sqs.Queue;
  deadLetterQueue: sqs.Queue;
  secrets: WorkspaceSecrets[];
  /** The environment full-mirror and the worker share: Piriod, the table, the bus. */
  piriodEnv: Record<string, string>;
  /** A reserved concurrency, or none when the deployment reserves none. */
  reserve: (n: number) => number | undefined;
}

// Least privilege, proven by test/integration/functions/permissions.test.ts: each role holds
// exactly what its function's recorded AWS calls and Lambda (on its behalf) use. Explicit
// statements rather than CDK's grant helpers, which add actions nothing calls
// (DescribeSecret, GetQueueUrl, GetQueueAttributes).

/** Allows `actions` on `resources`. */
export function allow(actions: string[], resources: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions, resources });
}

/** Allows putting on `bus` only events of the product's source and `detailType`. */
export function putEvents(bus: events.IEventBus, detailType: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['events:PutEvents'],
    resources: [bus.eventBusArn],
    conditions: {
      StringEquals: { 'events:source': EVENT_SOURCE, 'events:detail-type': detailType },
    },
  });
}
