/**
 * The details of "Customer Refresh Requested" events, built without the schemas (no zod), so
 * the functions that only send them (the receiver) bundle none.
 */
import type { RefreshRequestedDetail } from './events.js';

/** Refresh ids per message: generous, but bounded so one message cannot carry an account. */
export const MAX_IDS_PER_MESSAGE = 100;

/**
 * The details of "Customer Refresh Requested" events for `ids`: 100 ids per event at most,
 * one id as `customerId`, more as `customerIds`, with the `workspace` when given. What the
 * bus is put, and what the receiver sends the refresh queue when the bus refuses.
 */
export function refreshRequestDetails(
  ids: readonly string[],
  workspace?: string,
): RefreshRequestedDetail[] {
  const details: RefreshRequestedDetail[] = [];
  for (let i = 0; i < ids.length; i += MAX_IDS_PER_MESSAGE) {
    const chunk = ids.slice(i, i + MAX_IDS_PER_MESSAGE);
    const detail = chunk.length === 1 ? { customerId: chunk[0] as string } : { customerIds: chunk };
    details.push(workspace ? { ...detail, workspace } : detail);
  }
  return details;
}
