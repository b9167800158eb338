import { describe, expect, it } from 'vitest';
import { type MirrorAllDeps, mirrorAll } from '../../../lib/use-cases/mirror-all.js';
import { refreshCustomers } from '../../../lib/use-cases/refresh-customers.js';
import { MemoryPiriod, MemoryStore } from '../../support/memory-ports.js';

const customer = (n: number, extra: Record<string, unknown> = {}) => ({
  id: `cus_${n}`,
  name: `Cliente ${n}`,
  updated: `2025-01-01T00:00:0${n % 10}Z`,
  ...extra,
});

let tick = 0;
function deps(piriod: MemoryPiriod, store: MemoryStore): MirrorAllDeps {
  return {
    piriod,
    store,
    clock: { now: () => new Date(Date.UTC(2026, 0, 1) + tick++ * 1000) },
    workspace: 'acc_1',
    source: 'cli',
  };
}

describe('mirrorAll with in-memory ports', () => {
  it('writes list snapshots without by-id requests, and refetches only invalid entries', async () => {
    const piriod = new MemoryPiriod([
      customer(1),
      customer(2, { send_invoices: 'yes' }),
      customer(3),
    ]);
    const store = new MemoryStore();
    const r = await mirrorAll(deps(piriod, store));
    expect(r.summary).toMatchObject({ created: 2, synced: 2 });
    expect(r.summary.failed.map((f) => f.id)).toEqual(['cus_2']);
    expect(piriod.requests).toEqual(['list 1', 'get cus_2', 'list 2']);
  });

  it('counts a customer repeated by a page shift once', async () => {
    const list = [customer(1), customer(2), customer(3), customer(4)];
    // After page 1 is served, a new customer appears at the front: page 2 repeats cus_2.
    const piriod = new MemoryPiriod(list, 2, (page) => {
      if (page === 1) piriod.customers = [customer(9), ...list];
    });
    const r = await mirrorAll(deps(piriod, new MemoryStore()));
    expect(r.summary.created).toBe(4);
    expect(r.listed).toBe(4);
  });

  it('reports a listed entry without a usable id by its place in the listing', async () => {
    const piriod = new MemoryPiriod([customer(1), { name: 'sin id' }]);
    const r = await mirrorAll(deps(piriod, new MemoryStore()));
    expect(r.summary.failed).toEqual([
      { id: '(page 1, entry 2)', reason: expect.stringMatching(/id: is required/) },
    ]);
  });

  it('hands invalid entries and vanished ids off instead of fetching them, when asked', async () => {
    const store = new MemoryStore();
    await mirrorAll(deps(new MemoryPiriod([customer(1), customer(2)]), store));
    const piriod = new MemoryPiriod([customer(2, { send_invoices: 'yes' })]);
    const handed: string[] = [];
    const r = await mirrorAll(deps(piriod, store), {
      handOff: async (ids) => void handed.push(...ids),
    });
    expect(handed).toEqual(['cus_2', 'cus_1']);
    expect(r.handedOff).toBe(2);
    expect(piriod.requests).toEqual(['list 1']);
  });

  it('stops between pages at the deadline and says where to resume', async () => {
    const piriod = new MemoryPiriod([1, 2, 3, 4, 5, 6].map((n) => customer(n)));
    const store = new MemoryStore();
    const d = deps(piriod, store);
    const deadline = d.clock.now().getTime() + 2500;
    const first = await mirrorAll(d, { deadline });
    expect(first.completed).toBe(false);
    expect(first.nextPage).toBeGreaterThan(1);
    const rest = await mirrorAll(d, { startPage: first.nextPage });
    expect(rest.completed).toBe(true);
    expect(store.items.size).toBe(6);
  });
});

describe('refreshCustomers with in-memory ports', () => {
  it('fetches each distinct id once, tombstones known 404s and reports unknown ones', async () => {
    const store = new MemoryStore();
    const piriod = new MemoryPiriod([customer(1), customer(2)]);
    await refreshCustomers(['cus_1', 'cus_2'], deps(piriod, store));
    piriod.customers = [customer(1)];
    piriod.requests.length = 0;
    const r = await refreshCustomers(
      ['cus_1', 'cus_2', 'cus_2', 'cus_404', '../x'],
      deps(piriod, store),
    );
    expect(piriod.requests.sort()).toEqual(['get cus_1', 'get cus_2', 'get cus_404']);
    expect(r.outcomes.get('cus_1')?.result).toBe('unchanged');
    expect(r.outcomes.get('cus_2')?.result).toBe('deleted');
    expect(r.outcomes.get('cus_404')).toMatchObject({ result: 'failed', retryable: false });
    expect(r.outcomes.get('../x')).toMatchObject({
      result: 'failed',
      reason: expect.stringMatching(/^invalid customer id/),
    });
  });
});
