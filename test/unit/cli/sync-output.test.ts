import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PiriodNetworkError } from '../../../lib/piriod/errors.js';
import type { MirrorAllDeps } from '../../../lib/use-cases/mirror-all.js';
import type { Progress } from '../../../lib/use-cases/outcome.js';
import { runMirrorJob } from '../../../tools/cli/commands/mirror.js';
import { progressReporter } from '../../../tools/cli/progress.js';
import { captureIo } from '../../support/capture-io.js';
import { MemoryPiriod, MemoryStore, steppingClock } from '../../support/memory-ports.js';

const customer = (n: number, extra: Record<string, unknown> = {}) => ({
  id: `cus_${n}`,
  name: `Cliente ${n}`,
  updated: `2025-01-01T00:00:0${n % 10}Z`,
  ...extra,
});

function deps(piriod: MirrorAllDeps['piriod']): MirrorAllDeps {
  return {
    piriod,
    store: new MemoryStore(),
    clock: steppingClock(),
    workspace: 'acc_1',
    source: 'cli',
  };
}

describe('runMirrorJob: the content-warnings note', () => {
  it('names the customer and its warning', async () => {
    const c = captureIo();
    await runMirrorJob(
      deps(new MemoryPiriod([customer(1), customer(2, { email: 'not-an-email' })])),
      [],
      c.io,
    );
    expect(c.err()).toContain('note: 1 customer was mirrored as given despite content warnings:\n');
    expect(c.err()).toContain('  cus_2: email: is not an email address\n');
    expect(c.err()).not.toContain('cus_1');
    // The sample in docs/development.md is this output, word for word.
    expect(readFileSync('docs/development.md', 'utf8')).toContain(
      'note: 1 customer was mirrored as given despite content warnings:\n  cus_2: email: is not an email address\n',
    );
  });

  it('names ten customers and counts the rest', async () => {
    const list = Array.from({ length: 13 }, (_, i) => customer(i + 1, { email: 'nope' }));
    const c = captureIo();
    await runMirrorJob(deps(new MemoryPiriod(list, 100)), [], c.io);
    const named = c
      .err()
      .split('\n')
      .filter((l) => /^ {2}cus_\d+: email/.test(l));
    expect(named).toHaveLength(10);
    expect(c.err()).toContain('note: 13 customers were mirrored');
    expect(c.err()).toContain('  … and 3 more customers\n');
  });
});

describe('runMirrorJob: Piriod unreachable', () => {
  const refused = {
    async getCustomer(id: string): Promise<object | undefined> {
      throw new PiriodNetworkError(`cannot reach Piriod at http://127.0.0.1:9 (ECONNREFUSED)`, {
        customerId: id,
      });
    },
    listCustomers: () => new MemoryPiriod([]).listCustomers(),
  };

  it('throws the connection failure when no customer got through', async () => {
    await expect(
      runMirrorJob(deps(refused), ['cus_1', 'cus_2'], captureIo().io),
    ).rejects.toBeInstanceOf(PiriodNetworkError);
  });

  it('reports per-customer failures when some customers got through', async () => {
    const memory = new MemoryPiriod([customer(1)]);
    const flaky = {
      getCustomer: (id: string) =>
        id === 'cus_1' ? memory.getCustomer(id) : refused.getCustomer(id),
      listCustomers: () => memory.listCustomers(),
    };
    const summary = await runMirrorJob(deps(flaky), ['cus_1', 'cus_2'], captureIo().io);
    expect(summary.synced).toBe(1);
    expect(summary.failed.map((f) => f.id)).toEqual(['cus_2']);
  });
});

describe('progressReporter', () => {
  const progress = (phase: Progress['phase'], done: number): Progress => ({
    phase,
    done,
    total: 10,
    summary: { synced: 0, created: 0, updated: 0, unchanged: 0, stale: 0, deleted: 0, failed: [] },
  });

  it('shows no write counters while verifying, which writes nothing', () => {
    for (const errIsTty of [false, true]) {
      const c = captureIo({ errIsTty });
      const p = progressReporter(c.io, { intervalMs: 0 });
      p.update(progress('verifying', 4));
      p.done();
      expect(c.err()).toContain('4/10');
      expect(c.err()).not.toMatch(/created|updated|failed/);
    }
  });

  it('keeps the write counters while listing', () => {
    const c = captureIo();
    const p = progressReporter(c.io, { intervalMs: 0 });
    p.update(progress('listing', 4));
    expect(c.err()).toContain('created 0 updated 0 unchanged 0 deleted 0 failed 0');
  });

  it('off a terminal, does not print the final state twice when the last line showed it', () => {
    const c = captureIo();
    const p = progressReporter(c.io, { intervalMs: 0 });
    p.update(progress('refreshing', 10));
    p.done();
    p.done();
    expect(c.err().trimEnd().split('\n')).toHaveLength(1);
  });

  it('off a terminal, prints the final state when the last line was older', () => {
    const c = captureIo();
    const p = progressReporter(c.io, { intervalMs: 60_000 });
    p.update(progress('refreshing', 1));
    p.update(progress('refreshing', 10));
    p.done();
    const lines = c.err().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('10/10');
  });
});
