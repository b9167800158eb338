import { isReservedItemId } from '../customer/reserved-ids.js';
import type { TableChangeRecord } from '../messages/table-stream.js';
import type { ChangePublisher, CustomerChange } from '../ports.js';

/** What was published, and where the stream must resume if not everything was. */
export interface PublishChangesResult {
  published: number;
  /** Sequence number of the first record not published; Lambda retries from there. */
  failedFrom?: string;
  error?: Error;
}

/** `PutEvents` takes 10 entries per call. */
const CHUNK = 10;

/**
 * The "Customer Changed" event a table write means, or `undefined` for a record that is not a
 * change (a removal: the product never deletes items). Every write the product makes is a
 * change by the write rule, so: a new item → `created`; an item that became a tombstone →
 * `deleted`; any other modification (including a tombstone that came back) → `updated`.
 * Writes of reserved items (the full-mirror lease) are no customer's change: none.
 * Only ids and facts go out, never personal data.
 */
function changeOf(record: TableChangeRecord): CustomerChange | undefined {
  const item = record.newImage;
  // The product's own reserved items (the full-mirror lease) are not customers: no event.
  if (!item || typeof item.id !== 'string' || isReservedItemId(item.id)) return undefined;
  let change: CustomerChange['change'];
  if (record.eventName === 'INSERT') change = 'created';
  else if (record.eventName === 'MODIFY')
    change = item.deleted === true && record.oldImage?.deleted !== true ? 'deleted' : 'updated';
  else return undefined;
  return {
    id: item.id,
    // Whose change it is, so subscribers can filter by workspace and mode with a pattern.
    ...(typeof item.workspace === 'string' ? { workspace: item.workspace } : {}),
    testMode: item.testMode === true,
    change,
    ...(typeof item.updated === 'string' ? { updated: item.updated } : {}),
    ...(typeof item.contentHash === 'string' ? { contentHash: item.contentHash } : {}),
  };
}

/**
 * Publishes one "Customer Changed" per write, in stream order, 10 per call. On the first call
 * that fails it stops and reports the first record of that call, so the stream delivers it
 * and everything after it again: at least once, never lost (a retried call may repeat events
 * EventBridge had accepted; consumers key on `id` and `contentHash`).
 */
export async function publishChanges(
  records: readonly TableChangeRecord[],
  publisher: ChangePublisher,
): Promise<PublishChangesResult> {
  const pending = records.flatMap((r) => {
    const change = changeOf(r);
    return change ? [{ change, sequenceNumber: r.sequenceNumber }] : [];
  });
  let published = 0;
  for (let i = 0; i < pending.length; i += CHUNK) {
    const chunk = pending.slice(i, i + CHUNK);
    try {
      await publisher.publish(chunk.map((p) => p.change));
    } catch (err) {
      return { published, failedFrom: chunk[0]?.sequenceNumber, error: err as Error };
    }
    published += chunk.length;
  }
  return { published };
}
