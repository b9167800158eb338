import { randomUUID } from 'node:crypto';
import { EventBridgeBus } from '../../../lib/aws/event-bridge-bus.js';
import { customerTable } from '../../../lib/compose/table.js';
import { sleep } from '../../../lib/concurrency/sleep.js';
import { loadStoreConfig } from '../../../lib/config.js';
import { DynamoCanaryLog } from '../../../lib/store/dynamodb-canary-log.js';
import { blockedBy, type DoctorContext } from './context.js';
import { type CheckResult, fail, pass, skip } from './result.js';

/** Between two reads of the canary item: a GetItem costs half a read unit. */
const POLL_MS = 1_000;

/**
 * `canary`: a "Customer Refresh Requested" for the first customer of Piriod's page 1,
 * carrying a nonce, is put on the bus; the worker records the nonce (`canary#<nonce>`)
 * once it has handled the request, which `doctor` waits for. That proves rule → queue →
 * worker → Piriod → table and the permissions on the way. The refresh follows the write rule
 * like any other: `doctor` itself never writes or deletes customer data.
 */
export async function canaryCheck(ctx: DoctorContext): Promise<CheckResult> {
  const blocked = blockedBy(ctx, 'outputs', 'piriod');
  if (blocked)
    return skip(
      'canary',
      `needs ${blocked === 'piriod' ? 'a customer from piriod' : 'the bus and table from outputs'}`,
    );
  if (!ctx.firstCustomerId) return skip('canary', 'Piriod has no customer to refresh');
  const d = ctx.deployment;
  const customerId = ctx.firstCustomerId;
  const nonce = randomUUID();
  const canaries = new DynamoCanaryLog(
    customerTable({ ...loadStoreConfig(ctx.env), tableName: d.tableName as string }).client,
    d.tableName as string,
  );
  const started = Date.now();
  try {
    await new EventBridgeBus(ctx.clients.eventBridge(), d.eventBusName as string).requestCanary(
      customerId,
      nonce,
      ctx.workspace,
    );
  } catch (err) {
    return fail(
      'canary',
      `the refresh request could not be put on ${d.eventBusName}: ${(err as Error).message}`,
      'allow events:PutEvents on the bus to whoever runs doctor, and check EventBusName',
    );
  }
  const deadline = started + ctx.canaryTimeoutMs;
  for (;;) {
    const record = await canaries.find(nonce);
    const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    if (record) {
      return record.result === 'failed'
        ? fail(
            'canary',
            `the worker handled the refresh of ${customerId} in ${took}, but it failed`,
            'see the dead-letter queue (dead-letters below) and the refresh-customers logs',
          )
        : pass(
            'canary',
            `${customerId} refreshed by the worker in ${took} (${record.result}; canary ${nonce})`,
          );
    }
    if (Date.now() >= deadline) break;
    // Polling observable state with a deadline: the worker tells no one else it is done.
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
  }
  return fail(
    'canary',
    `no sign of the worker within ${ctx.canaryTimeoutMs / 1000} s for ${customerId}`,
    `check the refresh rule and queue (${d.refreshQueueUrl ?? 'RefreshQueueUrl'}), the refresh-customers function's errors and logs and its permissions; a busy queue may need --timeout`,
  );
}
