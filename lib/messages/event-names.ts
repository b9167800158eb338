/** Event names of the product (contracts), without schemas, for code that only sends. */

/**
 * EventBridge `source` of the product's own events (a contract).
 *
 * @example
 * // A rule of your own for every change the mirror writes:
 * new events.Rule(this, 'Changes', {
 *   eventBus: mirror.eventBus,
 *   eventPattern: { source: [EVENT_SOURCE], detailType: [CUSTOMER_CHANGED] },
 * });
 */
export const EVENT_SOURCE = 'piriod.mirror';
/**
 * Input event asking for customers to be refreshed (a contract).
 *
 * @example
 * await eventBridge.send(new PutEventsCommand({ Entries: [{
 *   EventBusName: busName, Source: EVENT_SOURCE, DetailType: REFRESH_REQUESTED,
 *   Detail: JSON.stringify({ customerIds: ['cus_01H8XYZ123ABC'] }),
 * }] }));
 */
export const REFRESH_REQUESTED = 'Customer Refresh Requested';
/**
 * Output event after a customer was created, updated or tombstoned (a contract).
 *
 * @example
 * if (event['detail-type'] === CUSTOMER_CHANGED) {
 *   const { id, change } = event.detail as CustomerChangedDetail;
 * }
 */
export const CUSTOMER_CHANGED = 'Customer Changed';
/**
 * Output event after a full-mirror cycle of one workspace and mode completed (a contract).
 *
 * @example
 * const pattern = { source: [EVENT_SOURCE], detailType: [MIRROR_COMPLETED, MIRROR_FAILED] };
 */
export const MIRROR_COMPLETED = 'Mirror Completed';
/**
 * Output event each time a full-mirror cycle stops on a failure or ends partial (a contract).
 *
 * @example
 * if (event['detail-type'] === MIRROR_FAILED) alert((event.detail as MirrorFailedDetail).workspace);
 */
export const MIRROR_FAILED = 'Mirror Failed';
/** Internal event that resumes a full mirror cut short by the time budget. */
export const MIRROR_CONTINUED = 'Full Mirror Continued';
/**
 * Marker in the event's `resources` for refreshes that came from a Piriod webhook, so the
 * worker can record `syncSource: "webhook"` without changing the documented `detail` (docs/events.md).
 */
export const WEBHOOK_RESOURCE = 'piriod-mirror:webhook';
