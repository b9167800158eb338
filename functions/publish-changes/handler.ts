import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { eventBus } from '../../lib/compose/bus.js';
import { once } from '../../lib/concurrency/once.js';
import { type ChangeFeedConfig, loadChangeFeedConfig } from '../../lib/config.js';
import { ALARMED_METRICS, createLogger, createMetrics } from '../../lib/lambda/observability.js';
import { reporting } from '../../lib/lambda/reporting.js';
import { tableChangesOf } from '../../lib/messages/table-stream.js';
import type { ChangePublisher } from '../../lib/ports.js';
import { SDK_BUDGETS } from '../../lib/sdk/sdk-budgets.js';
import { publishChanges } from '../../lib/use-cases/publish-changes.js';

/** What the change publisher needs; built from its configuration in AWS, injected in tests. */
export interface PublishChangesDeps {
  publisher: ChangePublisher;
}

const logger = createLogger('publish-changes');
const metrics = createMetrics('publish-changes');

/**
 * The table stream's consumer: one "Customer Changed" event per write, whichever path wrote
 * it. A failed publish reports the first unpublished record as a batch item failure, so the
 * stream redelivers from there; nothing is acknowledged before its event is out.
 */
export function createPublishChangesHandler(deps: () => Promise<PublishChangesDeps>) {
  return reporting(
    { logger, metrics },
    async (event: DynamoDBStreamEvent, _context?: Context): Promise<DynamoDBBatchResponse> => {
      const records = tableChangesOf(event.Records);
      const { publisher } = await deps();
      const result = await publishChanges(records, publisher);
      metrics.addMetric('ChangesPublished', MetricUnit.Count, result.published);
      if (result.failedFrom === undefined) {
        logger.info('changes published', { records: records.length, published: result.published });
        return { batchItemFailures: [] };
      }
      // Reported as a batch item failure, not thrown, so Lambda's Errors metric stays quiet:
      // this count is what the alarm watches.
      metrics.addMetric(ALARMED_METRICS.changesPublishFailed, MetricUnit.Count, 1);
      logger.error('could not publish Customer Changed; the stream will redeliver', {
        published: result.published,
        failedFrom: result.failedFrom,
        error: result.error?.message,
      });
      return { batchItemFailures: [{ itemIdentifier: result.failedFrom }] };
    },
  );
}

/**
 * Real dependencies composed from the function's configuration (built once per cold start
 * below); AWS calls bounded by the function's SDK budget (tests pass shorter ones).
 */
export async function publishChangesDeps(
  config: ChangeFeedConfig,
  sdk = SDK_BUDGETS['publish-changes'],
): Promise<PublishChangesDeps> {
  return {
    publisher: eventBus(config.bus, sdk),
  };
}

// The entry: the environment is read here, once, on the first invocation of a container.
export const handler = createPublishChangesHandler(
  once(async () => publishChangesDeps(loadChangeFeedConfig(process.env))),
);
