import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../../tools/sandbox/sandbox-server.js';

/** Four attempts at each customer, in the given order; the statuses each customer met. */
async function statusesByCustomer(order: 'customer by customer' | 'round robin') {
  const sandbox = await startSandbox({ customers: 6, seed: 11, faults: { errorRate: 0.5 } });
  try {
    const ids = sandbox.customers().map((c) => c.id);
    const plan =
      order === 'customer by customer'
        ? ids.flatMap((id) => [id, id, id, id])
        : [0, 1, 2, 3].flatMap(() => ids);
    const seen = new Map<string, number[]>(ids.map((id) => [id, []]));
    for (const id of plan) {
      const res = await fetch(`${sandbox.url}/customers/${id}/`, {
        headers: {
          authorization: `Token ${sandbox.token}`,
          'x-simple-workspace': sandbox.workspace,
        },
      });
      await res.arrayBuffer();
      seen.get(id)?.push(res.status);
    }
    return seen;
  } finally {
    await sandbox.close();
  }
}

describe('sandbox faults', () => {
  it('meet each customer’s n-th attempt the same way whatever order requests arrive in', async () => {
    const sequential = await statusesByCustomer('customer by customer');
    const interleaved = await statusesByCustomer('round robin');
    expect(interleaved).toEqual(sequential);
    // The draw is still a fault mix, not all-or-nothing: the seed decides, per attempt.
    const all = [...sequential.values()].flat();
    expect(all).toContain(200);
    expect(all.some((s) => s >= 500)).toBe(true);
  });
});
