import { describe, expect, it } from 'vitest';
import type { NormalizedCustomer } from '../../../lib/customer/record.js';
import { PortError } from '../../../lib/ports.js';
import { type CustomerWritesDeps, customerWrites } from '../../../lib/use-cases/customer-writes.js';
import { MemoryStore, steppingClock } from '../../support/memory-ports.js';

const customer = (n: number, name = `Cliente ${n}`): NormalizedCustomer => ({
  id: `cus_${n}`,
  name,
  updated: '2026-01-01T00:00:00Z',
});

/** A store that counts its version reads and write calls. */
class CountingStore extends MemoryStore {
  reads: number[] = [];
  writeCalls = 0;
  override async readVersions(ids: readonly string[]) {
    this.reads.push(ids.length);
    return super.readVersions(ids);
  }
  override async upsertMany(...args: Parameters<MemoryStore['upsertMany']>) {
    this.writeCalls++;
    return super.upsertMany(...args);
  }
}

function deps(store: MemoryStore): CustomerWritesDeps {
  return {
    store,
    clock: steppingClock(),
    workspace: 'acc_1',
    source: 'event',
  };
}

describe('customerWrites with in-memory ports', () => {
  it('reads versions once per batch and writes only what the write rule lets through', async () => {
    const store = new CountingStore();
    const pipeline = customerWrites(deps(store), { batchSize: 3 });
    const first = [1, 2, 3, 4].map((n) =>
      pipeline.submit({ customer: customer(n), fetchedAt: '2026-01-01T00:00:01Z' }),
    );
    await pipeline.drain();
    expect((await Promise.all(first)).map((o) => o.result)).toEqual([
      'created',
      'created',
      'created',
      'created',
    ]);
    expect(store.reads).toEqual([3, 1]);
    const again = pipeline.submit({ customer: customer(1), fetchedAt: '2026-01-01T00:00:02Z' });
    await pipeline.drain();
    expect((await again).result).toBe('unchanged');
    expect(store.writes).toBe(4);
  });

  it('takes stored versions from a snapshot instead of reading them', async () => {
    const store = new CountingStore();
    const seed = customerWrites(deps(store));
    void seed.submit({ customer: customer(1), fetchedAt: '2026-01-01T00:00:01Z' });
    await seed.drain();
    store.reads = [];
    const snapshot = await store.versionSnapshot({ workspace: 'acc_1' });
    const pipeline = customerWrites(deps(store), { snapshot });
    const same = pipeline.submit({ customer: customer(1), fetchedAt: '2026-01-01T00:00:02Z' });
    const changed = pipeline.submit({
      customer: customer(2, 'Nuevo'),
      fetchedAt: '2026-01-01T00:00:02Z',
    });
    await pipeline.drain();
    expect([(await same).result, (await changed).result]).toEqual(['unchanged', 'created']);
    expect(store.reads).toEqual([]);
  });

  it('puts two versions of one customer in separate batches, so the later one is decided against the first', async () => {
    const store = new CountingStore();
    const pipeline = customerWrites(deps(store), { batchSize: 10, parallelBatches: 1 });
    const older = pipeline.submit({
      customer: customer(1, 'Viejo'),
      fetchedAt: '2026-01-01T00:00:01Z',
    });
    const newer = pipeline.submit({
      customer: customer(1, 'Nuevo'),
      fetchedAt: '2026-01-01T00:00:02Z',
    });
    await pipeline.drain();
    expect([(await older).result, (await newer).result]).toEqual(['created', 'updated']);
    expect(store.reads).toEqual([1, 1]);
    expect(store.items.get('cus_1')?.name).toBe('Nuevo');
  });

  it('once the table is unusable, fails what follows with the same reason and sets fatal', async () => {
    const store = new CountingStore();
    store.upsertMany = async () => {
      throw new PortError('DynamoDB is unreachable', { kind: 'unavailable', retryable: true });
    };
    const pipeline = customerWrites(deps(store), { batchSize: 1, parallelBatches: 1 });
    const outcomes = [1, 2].map((n) =>
      pipeline.submit({ customer: customer(n), fetchedAt: '2026-01-01T00:00:01Z' }),
    );
    await pipeline.drain();
    for (const o of await Promise.all(outcomes)) {
      expect(o).toMatchObject({
        result: 'failed',
        retryable: true,
        reason: expect.stringMatching(/unreachable/),
      });
    }
    expect(pipeline.fatal).toMatchObject({ kind: 'unavailable' });
  });

  it('stops itself when a tombstone finds the table unusable, failing the writes after it', async () => {
    const store = new CountingStore();
    store.tombstone = async () => {
      throw new PortError('DynamoDB is unreachable', { kind: 'unavailable', retryable: true });
    };
    const writes = customerWrites(deps(store));
    const gone = await writes.tombstone('cus_9', '2026-01-01T00:00:01Z');
    expect(gone).toMatchObject({ result: 'failed', reason: expect.stringMatching(/unreachable/) });
    expect(writes.fatal).toMatchObject({ kind: 'unavailable' });
    const after = writes.submit({ customer: customer(1), fetchedAt: '2026-01-01T00:00:02Z' });
    await writes.drain();
    expect(await after).toMatchObject({
      result: 'failed',
      reason: expect.stringMatching(/unreachable/),
    });
    expect(store.writeCalls).toBe(0);
  });

  it('holds producers back while maxPending customers wait to be written', async () => {
    const store = new CountingStore();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const upsert = store.upsertMany.bind(store);
    store.upsertMany = async (...args) => {
      await gate;
      return upsert(...args);
    };
    const pipeline = customerWrites(deps(store), { batchSize: 2, maxPending: 2 });
    void pipeline.submit({ customer: customer(1), fetchedAt: '2026-01-01T00:00:01Z' });
    void pipeline.submit({ customer: customer(2), fetchedAt: '2026-01-01T00:00:01Z' });
    let roomMade = false;
    const room = pipeline.waitForRoom().then(() => (roomMade = true));
    await Promise.resolve();
    expect(roomMade).toBe(false);
    release();
    await room;
    await pipeline.drain();
    expect(roomMade).toBe(true);
  });
});
