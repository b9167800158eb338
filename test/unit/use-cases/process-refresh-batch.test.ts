import { describe, expect, it } from 'vitest';
import { toRecord } from '../../../lib/customer/record-builder.js';
import { type CanaryRecord, PortError } from '../../../lib/ports.js';
import {
  processRefreshBatch,
  type RefreshBatchDeps,
} from '../../../lib/use-cases/process-refresh-batch.js';
import { refreshEventBody } from '../../support/events.js';
import { MemoryDeadLetters } from '../../support/fakes.js';
import { MemoryPiriod, MemoryStore, steppingClock } from '../../support/memory-ports.js';
import { inWorkspace } from '../../support/workspace-deps.js';

const customer = (n: number) => ({ id: `cus_${n}`, name: `Cliente ${n}` });

function ports(piriod = new MemoryPiriod([customer(1), customer(2), customer(3)])) {
  return {
    piriod,
    store: new MemoryStore(),
    deadLetters: new MemoryDeadLetters(),
    clock: steppingClock(),
    workspace: 'acc_1',
    concurrency: 2,
  };
}

/** The batch of one workspace's ports (`inWorkspace`). */
function refresh(
  messages: Parameters<typeof processRefreshBatch>[0],
  d: Parameters<typeof inWorkspace>[0] & Omit<RefreshBatchDeps, 'workspaces'>,
) {
  return processRefreshBatch(messages, inWorkspace(d));
}

describe('processRefreshBatch with in-memory ports', () => {
  it('refreshes each distinct customer once for the whole batch, whatever the message shape', async () => {
    const d = ports();
    const r = await refresh(
      [
        { messageId: 'm1', body: refreshEventBody({ customerIds: ['cus_1', 'cus_2'] }) },
        { messageId: 'm2', body: '{"customerId":"cus_2"}', attributes: { syncSource: 'schedule' } },
        { messageId: 'm3', body: refreshEventBody({ customerId: 'cus_3' }) },
      ],
      d,
    );
    expect(r.summary).toMatchObject({ synced: 3, created: 3 });
    expect(r.retry.size).toBe(0);
    expect(d.piriod.requests.sort()).toEqual(['get cus_1', 'get cus_2', 'get cus_3']);
    expect(d.store.items.get('cus_3')?.syncSource).toBe('event');
  });

  it('records a canary once its message is handled, whatever the outcome, and never on a retry', async () => {
    const piriod = new MemoryPiriod([customer(1), customer(2)]);
    const get = piriod.getCustomer.bind(piriod);
    piriod.getCustomer = async (id) => {
      if (id === 'cus_2') throw new PortError('Piriod answered 503', { retryable: true });
      return get(id);
    };
    const records: CanaryRecord[] = [];
    const d = {
      ...ports(piriod),
      canaries: { record: async (c: CanaryRecord) => void records.push(c) },
    };
    const r = await refresh(
      [
        { messageId: 'ok', body: refreshEventBody({ customerId: 'cus_1', canary: 'nonce-ok-1' }) },
        { messageId: 'gone', body: '{"customerId":"cus_9","canary":"nonce-gone"}' },
        { messageId: 'busy', body: '{"customerId":"cus_2","canary":"nonce-busy"}' },
      ],
      d,
    );
    expect(r.retry).toEqual(new Set(['busy']));
    expect(records.map((c) => [c.nonce, c.customerId, c.result])).toEqual([
      ['nonce-ok-1', 'cus_1', 'created'],
      ['nonce-gone', 'cus_9', 'failed'],
    ]);
    expect(records[0]?.handledAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('dead-letters a bad message and an unknown id with their reasons, and retries nothing', async () => {
    const d = ports();
    const r = await refresh(
      [
        { messageId: 'bad', body: 'not json' },
        { messageId: 'gone', body: '{"customerId":"cus_9"}' },
        { messageId: 'ok', body: '{"customerId":"cus_1"}' },
      ],
      d,
    );
    expect(r.deadLettered).toBe(2);
    expect(r.retry.size).toBe(0);
    expect(d.deadLetters.sent.map((s) => [s.body, s.customerId])).toEqual([
      ['not json', undefined],
      ['{"customerId":"cus_9"}', 'cus_9'],
    ]);
    expect(d.deadLetters.sent[1]?.reason).toMatch(/not found/);
  });

  it('retries only the messages whose customers failed transiently', async () => {
    const piriod = new MemoryPiriod([customer(1), customer(2)]);
    const get = piriod.getCustomer.bind(piriod);
    piriod.getCustomer = async (id) => {
      if (id === 'cus_2') throw new PortError('Piriod answered 503', { retryable: true });
      return get(id);
    };
    const d = ports(piriod);
    const r = await refresh(
      [
        { messageId: 'm1', body: '{"customerId":"cus_1"}' },
        { messageId: 'm2', body: '{"customerId":"cus_2"}' },
      ],
      d,
    );
    expect([...r.retry]).toEqual(['m2']);
    expect(r.deadLettered).toBe(0);
    expect(d.store.items.has('cus_1')).toBe(true);
  });

  it('dead-letters a permanently failing customer once per message, on the receive that settles it, while another keeps failing transiently', async () => {
    const piriod = new MemoryPiriod([customer(1)]);
    const get = piriod.getCustomer.bind(piriod);
    piriod.getCustomer = async (id) => {
      if (id === 'cus_2') throw new PortError('Piriod answered 503', { retryable: true });
      return get(id);
    };
    const d = { ...ports(piriod), maxReceiveCount: 3 };
    const body = '{"customerIds":["cus_9","cus_2"]}';
    const perReceive: number[] = [];
    for (const receiveCount of [1, 2, 3]) {
      const before = d.deadLetters.sent.length;
      const r = await refresh([{ messageId: 'm1', body, receiveCount }], d);
      perReceive.push(d.deadLetters.sent.length - before);
      expect(r.retry.has('m1')).toBe(receiveCount < 3);
    }
    expect(perReceive).toEqual([0, 0, 2]);
    expect(d.deadLetters.sent.map((s) => s.customerId).sort()).toEqual(['cus_2', 'cus_9']);
    expect(d.deadLetters.sent.find((s) => s.customerId === 'cus_9')?.reason).toMatch(/not found/);
    expect(d.deadLetters.sent.find((s) => s.customerId === 'cus_2')?.reason).toMatch(
      /503.*receive 3/,
    );
  });

  it('dead-letters every message when Piriod rejects the credentials: no retry can fix them', async () => {
    const piriod = new MemoryPiriod([customer(1)]);
    piriod.getCustomer = async () => {
      throw new PortError('Piriod rejected the token (401)', { kind: 'credentials-rejected' });
    };
    const d = ports(piriod);
    const r = await refresh(
      [
        { messageId: 'm1', body: '{"customerId":"cus_1"}' },
        { messageId: 'm2', body: '{"customerId":"cus_2"}' },
      ],
      d,
    );
    expect(r.deadLettered).toBe(2);
    expect(r.retry.size).toBe(0);
    expect(d.deadLetters.sent.every((s) => /401/.test(s.reason))).toBe(true);
  });

  it('dead-letters a transient failure on the last receive with the last error and the customer id, instead of retrying it', async () => {
    const piriod = new MemoryPiriod([customer(1)]);
    piriod.getCustomer = async (id) => {
      throw new PortError(`Piriod answered 503 (customer ${id})`, { retryable: true });
    };
    const d = { ...ports(piriod), maxReceiveCount: 5 };
    const r = await refresh(
      [
        { messageId: 'last', body: '{"customerId":"cus_1"}', receiveCount: 5 },
        { messageId: 'early', body: '{"customerId":"cus_2"}', receiveCount: 4 },
        { messageId: 'unknown', body: '{"customerId":"cus_3"}' },
      ],
      d,
    );
    expect([...r.retry].sort()).toEqual(['early', 'unknown']);
    expect(r.deadLettered).toBe(1);
    expect(d.deadLetters.sent).toEqual([
      {
        body: '{"customerId":"cus_1"}',
        customerId: 'cus_1',
        reason:
          'Piriod answered 503 (customer cus_1) (dead-lettered on receive 5, maxReceiveCount 5)',
      },
    ]);
    expect(r.summary.failed.map((f) => f.id).sort()).toEqual(['cus_1', 'cus_2', 'cus_3']);
  });

  it('retries a last-receive message whose dead letter cannot be sent, leaving it to SQS’s redrive', async () => {
    const piriod = new MemoryPiriod([]);
    piriod.getCustomer = async () => {
      throw new PortError('Piriod answered 503', { retryable: true });
    };
    const d = {
      ...ports(piriod),
      maxReceiveCount: 5,
      deadLetters: { send: () => Promise.reject(new Error('SQS down')) },
    };
    const r = await refresh(
      [{ messageId: 'last', body: '{"customerId":"cus_1"}', receiveCount: 6 }],
      d,
    );
    expect([...r.retry]).toEqual(['last']);
    expect(r.deadLettered).toBe(0);
  });

  it('returns every dead letter SQS refused with its reason, sending the rest, for a message of two customers', async () => {
    const piriod = new MemoryPiriod([]);
    piriod.getCustomer = async (id) => {
      throw new PortError(`Piriod answered 503 for ${id}`, { retryable: true });
    };
    const sent: (string | undefined)[] = [];
    const d = {
      ...ports(piriod),
      maxReceiveCount: 5,
      deadLetters: {
        send: async (_body: string, why: { reason: string; customerId?: string }) => {
          if (why.customerId === 'cus_2') throw new Error('SQS: InternalError');
          sent.push(why.customerId);
        },
      },
    };
    const r = await refresh(
      [
        {
          messageId: 'last',
          body: refreshEventBody({ customerIds: ['cus_1', 'cus_2'] }),
          receiveCount: 5,
        },
      ],
      d,
    );
    expect(sent).toEqual(['cus_1']);
    expect(r.deadLettered).toBe(1);
    expect([...r.retry]).toEqual(['last']);
    expect(r.unsent).toEqual([
      {
        messageId: 'last',
        customerId: 'cus_2',
        reason: expect.stringMatching(/503 for cus_2.*dead-lettered on receive 5/),
        error: 'SQS: InternalError',
      },
    ]);
  });

  it('sends the dead letters of a batch several at once, not one after another', async () => {
    let inFlight = 0;
    let most = 0;
    const d = {
      ...ports(new MemoryPiriod([])),
      deadLetters: {
        send: async () => {
          inFlight++;
          most = Math.max(most, inFlight);
          // Yield to the event loop, as a network call does, before answering.
          await new Promise((resolve) => setImmediate(resolve));
          inFlight--;
        },
      },
    };
    const bodies = ['not json', '{"hello":"world"}', '{"customerId":"../x"}', '[]'];
    const r = await refresh(
      bodies.map((body, i) => ({ messageId: `bad-${i}`, body })),
      d,
    );
    expect(r.deadLettered).toBe(4);
    expect(most).toBe(4);
  });

  it('starts no customer after the deadline, last receives first, and retries the rest without counting failures', async () => {
    let now = 0;
    const piriod = new MemoryPiriod([1, 2, 3, 4, 5].map(customer));
    const get = piriod.getCustomer.bind(piriod);
    piriod.getCustomer = async (id) => {
      now += 10_000; // every request takes 10 s of the invocation's time
      return get(id);
    };
    const d = {
      ...ports(piriod),
      clock: { now: () => new Date(now) },
      concurrency: 1,
      deadline: 25_000,
      maxReceiveCount: 5,
    };
    const r = await refresh(
      [1, 2, 3, 4, 5].map((n) => ({
        messageId: `m${n}`,
        body: `{"customerId":"cus_${n}"}`,
        receiveCount: n === 5 ? 5 : 1,
      })),
      d,
    );
    expect(piriod.requests).toEqual(['get cus_5', 'get cus_1', 'get cus_2']);
    expect(r.summary).toMatchObject({ synced: 3, failed: [] });
    expect(r.notStarted).toBe(2);
    expect([...r.retry].sort()).toEqual(['m3', 'm4']);
    expect(r.deadLettered).toBe(0);
  });

  it('dead-letters a customer it had no time to start when the message is on its last receive', async () => {
    const d = { ...ports(), deadline: 0, maxReceiveCount: 5 };
    const r = await refresh(
      [
        { messageId: 'last', body: '{"customerId":"cus_1"}', receiveCount: 5 },
        { messageId: 'first', body: '{"customerId":"cus_2"}', receiveCount: 1 },
      ],
      d,
    );
    expect(d.piriod.requests).toEqual([]);
    expect([...r.retry]).toEqual(['first']);
    expect(d.deadLetters.sent).toEqual([
      {
        body: '{"customerId":"cus_1"}',
        customerId: 'cus_1',
        reason: expect.stringMatching(
          /^not refreshed: no Piriod request could finish before the invocation's deadline \(dead-lettered on receive 5/,
        ),
      },
    ]);
  });

  it("dead-letters a live refresh of a test-mode customer's id with the clash, tombstoning nothing", async () => {
    const d = ports(new MemoryPiriod([])); // live Piriod answers 404 for a test customer
    const at = '2025-12-01T00:00:00.000Z';
    const meta = { workspace: 'acc_1', testMode: true, fetchedAt: at, syncedAt: at };
    d.store.items.set('cus_7', toRecord(customer(7), { ...meta, source: 'webhook' }));
    const r = await refresh([{ messageId: 'm', body: '{"customerId":"cus_7"}' }], d);
    expect(r.retry.size).toBe(0);
    expect(d.deadLetters.sent).toEqual([
      {
        body: '{"customerId":"cus_7"}',
        customerId: 'cus_7',
        reason:
          "customer cus_7 is mirrored for workspace acc_1 in test mode; this tombstone is for workspace acc_1 live, so Piriod's 404 there does not delete it",
      },
    ]);
    expect(d.store.items.get('cus_7')?.deleted).toBeUndefined();
  });

  it("dead-letters a refresh for one workspace of another workspace's customer, never 'unchanged'", async () => {
    const d = ports(); // workspace acc_1's Piriod has cus_1 too
    const at = '2025-12-01T00:00:00.000Z';
    const theirs = toRecord(customer(1), {
      workspace: 'acc_A',
      fetchedAt: at,
      syncedAt: at,
      source: 'schedule',
    });
    d.store.items.set('cus_1', theirs);
    const r = await refresh([{ messageId: 'm', body: '{"customerId":"cus_1"}' }], d);
    expect(r.summary).toMatchObject({ unchanged: 0, stale: 0, failed: [{ id: 'cus_1' }] });
    expect(d.deadLetters.sent).toEqual([
      {
        body: '{"customerId":"cus_1"}',
        customerId: 'cus_1',
        reason:
          'customer cus_1 is mirrored for workspace acc_A live; this write is for workspace acc_1 live, so it is left as it is',
      },
    ]);
    expect(d.store.items.get('cus_1')).toEqual(theirs);
  });
});
