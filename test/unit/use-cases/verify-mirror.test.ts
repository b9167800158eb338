import { describe, expect, it } from 'vitest';
import { refreshCustomers } from '../../../lib/use-cases/refresh-customers.js';
import { verifyMirror } from '../../../lib/use-cases/verify-mirror.js';
import { matchLine } from '../../../tools/cli/commands/verify.js';
import { MemoryPiriod, MemoryStore, steppingClock } from '../../support/memory-ports.js';

const customer = (n: number, updated = '2026-01-01T00:00:00Z') => ({
  id: `cus_${n}`,
  name: `Cliente ${n}`,
  updated,
});

describe('verifyMirror with in-memory ports', () => {
  it('reports missing, stale, gone and invalid customers, and writes nothing', async () => {
    const store = new MemoryStore();
    const clock = steppingClock();
    const before = new MemoryPiriod([customer(1), customer(2), customer(3)]);
    await refreshCustomers(['cus_1', 'cus_2', 'cus_3'], {
      piriod: before,
      store,
      clock,
      workspace: 'acc_1',
      source: 'cli',
    });
    const writes = store.writes;
    // Piriod now: cus_1 as stored, cus_2 edited, cus_3 deleted, cus_4 new, one entry invalid.
    const now = new MemoryPiriod([
      customer(1),
      customer(2, '2026-02-01T00:00:00Z'),
      customer(4),
      { id: 'cus_5', name: 'Cliente 5', send_invoices: 'yes' },
    ]);
    const report = await verifyMirror({ piriod: now, store, clock, workspace: 'acc_1' });
    expect(report).toEqual({
      missing: ['cus_4'],
      stale: ['cus_2'],
      gone: ['cus_3'],
      invalid: [{ id: 'cus_5', reason: expect.stringMatching(/send_invoices/) }],
      // The four Piriod listed, and cus_3, which the table holds and the listing did not return.
      compared: 5,
    });
    expect(store.writes).toBe(writes);
  });

  it('says it compared nothing when neither side holds a customer of the mode', async () => {
    const store = new MemoryStore();
    const clock = steppingClock();
    await refreshCustomers(['cus_1'], {
      piriod: new MemoryPiriod([customer(1)]),
      store,
      clock,
      workspace: 'acc_1',
      source: 'cli',
    });
    // A test-mode run over a table of live customers: Piriod lists none, the table has none.
    const report = await verifyMirror({
      piriod: new MemoryPiriod([]),
      store,
      clock,
      workspace: 'acc_1',
      testMode: true,
    });
    expect(report.compared).toBe(0);
    expect(matchLine(report.compared, { workspace: 'acc_1', testMode: true })).toMatch(
      /^Nothing to compare: Piriod lists no test-mode customers of acc_1/,
    );
    expect(matchLine(3, { workspace: 'acc_1', testMode: false })).toBe(
      'The mirror matches Piriod (3 customers of acc_1 compared, live mode).',
    );
  });

  it('confirms by id before calling an unlisted customer gone', async () => {
    const store = new MemoryStore();
    const clock = steppingClock();
    const piriod = new MemoryPiriod([customer(1), customer(2)]);
    await refreshCustomers(['cus_1', 'cus_2'], {
      piriod,
      store,
      clock,
      workspace: 'acc_1',
      source: 'cli',
    });
    // The listing skips cus_2 (a page shift), but Piriod still has it.
    const list = piriod.listCustomers.bind(piriod);
    piriod.listCustomers = async function* (o) {
      for await (const page of list(o)) {
        yield {
          ...page,
          results: page.results.filter((c) => (c as { id: string }).id !== 'cus_2'),
        };
      }
    };
    const report = await verifyMirror({ piriod, store, clock, workspace: 'acc_1' });
    expect(report.gone).toEqual([]);
    expect(report.missing).toEqual([]);
    expect(piriod.requests).toContain('get cus_2');
  });
});
