import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshCustomers } from '../../../lib/use-cases/refresh-customers.js';
import type { Io } from '../../../tools/cli/io.js';
import { runCli } from '../../../tools/cli/main.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';
import { defaultAnswer, type FakeAwsRequest, startFakeAws } from '../../support/fake-aws.js';
import { MemoryPiriod } from '../../support/memory-ports.js';

/*
 * replay-changes against the real table (DynamoDB Local) and the official EventBridge client
 * talking to a local endpoint that records every PutEvents.
 */
let t: TestTable;
let aws: Awaited<ReturnType<typeof startFakeAws>>;
/** Ids whose PutEvents entries EventBridge keeps failing. */
const refused = new Set<string>();

const customer = (n: number, updated = '2026-11-01T00:00:00Z') => ({
  id: `cus_R${String(n).padStart(3, '0')}`,
  name: `Cliente ${n}`,
  updated,
});
const ids = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => customer(from + i).id);

/** Writes `customers` through the product's own refresh path, at `at`. */
async function writeAt(piriod: MemoryPiriod, which: string[], at: string) {
  await refreshCustomers(which, {
    piriod,
    store: t.store,
    clock: { now: () => new Date(at) },
    workspace: 'acc_replay',
    source: 'event',
  });
}

beforeAll(async () => {
  t = await createTestTable('replay');
  aws = await startFakeAws((r: FakeAwsRequest) => {
    if (r.target !== 'AWSEvents.PutEvents') return defaultAnswer(r);
    const entries = r.body.Entries as { Detail: string }[];
    const results = entries.map((e, i) =>
      refused.has(JSON.parse(e.Detail).id)
        ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }
        : { EventId: `e-${i}` },
    );
    return {
      body: { FailedEntryCount: results.filter((x) => 'ErrorCode' in x).length, Entries: results },
    };
  });
  const piriod = new MemoryPiriod(Array.from({ length: 30 }, (_, i) => customer(i + 1)));
  // Before the window: 1–10; in it: 11–25, of which 24 and 25 become tombstones; after: 26–30.
  await writeAt(piriod, ids(1, 10), '2026-11-30T07:00:00.000Z');
  await writeAt(piriod, ids(11, 25), '2026-11-30T08:30:00.000Z');
  piriod.customers = piriod.customers.filter(
    (c) => !['cus_R024', 'cus_R025'].includes(String(c.id)),
  );
  await writeAt(piriod, ['cus_R024', 'cus_R025'], '2026-11-30T09:15:00.000Z');
  // The window's end is exclusive: an item synced exactly at --until is not replayed.
  await writeAt(piriod, ids(26, 30), '2026-11-30T10:00:00.000Z');
  // A reserved item (not a customer) with a syncedAt inside the window is never replayed.
  await t.client.send(
    new PutCommand({
      TableName: t.tableName,
      Item: { id: 'canary#replay-test', syncedAt: '2026-11-30T08:45:00.000Z', updated: 'x' },
    }),
  );
});
afterAll(async () => {
  await aws.close();
  await t.drop();
});

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (s) => out.push(s), err: (s) => err.push(s), errIsTty: false };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

const env = () => ({
  CUSTOMERS_TABLE: t.tableName,
  AWS_ENDPOINT_URL_DYNAMODB: t.endpoint,
  AWS_ENDPOINT_URL_EVENTBRIDGE: aws.url,
  EVENT_BUS_NAME: 'piriod-mirror-bus',
});

/** The "Customer Changed" entries put since request `from`. */
function putSince(from: number) {
  return aws.requests
    .slice(from)
    .filter((r) => r.target === 'AWSEvents.PutEvents')
    .flatMap((r) => r.body.Entries as Record<string, string>[]);
}

describe('replay-changes', () => {
  it('re-publishes exactly the customers written in the window, tombstones as deleted, marked replayed', async () => {
    const from = aws.requests.length;
    const cli = captureIo();
    const code = await runCli(
      [
        'replay-changes',
        '--since',
        '2026-11-30T08:00:00Z',
        '--until',
        '2026-11-30T10:00:00Z',
        '--json',
      ],
      env(),
      cli.io,
    );
    expect(code).toBe(0);
    const entries = putSince(from);
    for (const e of entries) {
      expect(e).toMatchObject({
        EventBusName: 'piriod-mirror-bus',
        Source: 'piriod.mirror',
        DetailType: 'Customer Changed',
      });
    }
    const details = entries.map((e) => JSON.parse(e.Detail as string));
    expect(details.map((d) => d.id).sort()).toEqual(ids(11, 25));
    for (const d of details) {
      expect(Object.keys(d).sort()).toEqual([
        'change',
        'contentHash',
        'id',
        'replayed',
        'testMode',
        'updated',
        'workspace',
      ]);
      // The same fields as the stream's events: whose change it is.
      expect(d.testMode).toBe(false);
      expect(typeof d.workspace).toBe('string');
      expect(d.replayed).toBe(true);
      expect(d.change).toBe(['cus_R024', 'cus_R025'].includes(d.id) ? 'deleted' : 'updated');
    }
    // Progress goes to stderr, stdout keeps the one JSON summary.
    expect(cli.err()).toMatch(/^replay-changes: \d+ events? \(/m);
    expect(JSON.parse(cli.out())).toEqual({
      published: 15,
      updated: 13,
      deleted: 2,
      failed: [],
      since: '2026-11-30T08:00:00.000Z',
      until: '2026-11-30T10:00:00.000Z',
    });
  });

  it('retries failed entries, then reports each customer it could not publish, with exit 1', async () => {
    refused.add('cus_R012');
    const from = aws.requests.length;
    const cli = captureIo();
    const code = await runCli(
      ['replay-changes', '--since', '2026-11-30T08:00:00Z', '--until', '2026-11-30T09:00:00Z'],
      env(),
      cli.io,
    );
    refused.delete('cus_R012');
    expect(code).toBe(1);
    // The refused entry was sent again, alone, after the first call.
    const sent = putSince(from).map((e) => JSON.parse(e.Detail as string).id);
    expect(sent.filter((id) => id === 'cus_R012').length).toBeGreaterThan(1);
    expect(new Set(sent)).toEqual(new Set(ids(11, 25).filter((id) => id < 'cus_R024')));
    expect(cli.out()).toContain('Replayed 12 events (12 updated, 0 deleted), 1 failed');
    expect(cli.err()).toMatch(/not published: cus_R012: .*InternalFailure/);
  });

  it('stops on a bad window with exit 2 and one line, before anything is read or sent', async () => {
    const from = aws.requests.length;
    for (const [args, message] of [
      [[], /--since is required/],
      [['--since', 'yesterday'], /--since must be an ISO time/],
      [
        ['--since', '2026-11-30T10:00:00Z', '--until', '2026-11-30T08:00:00Z'],
        /must be before --until/,
      ],
      [['--since', '2026-11-30T08:00:00Z', '--rate', '0'], /--rate must be a whole number ≥ 1/],
    ] as const) {
      const cli = captureIo();
      expect(await runCli(['replay-changes', ...args], env(), cli.io)).toBe(2);
      expect(cli.err()).toMatch(message);
      expect(cli.err().trim().split('\n')).toHaveLength(1);
    }
    const cli = captureIo();
    const { EVENT_BUS_NAME: _, ...noBus } = env();
    expect(await runCli(['replay-changes', '--since', '2026-11-30T08:00:00Z'], noBus, cli.io)).toBe(
      2,
    );
    expect(cli.err()).toMatch(/EVENT_BUS_NAME/);
    expect(aws.requests.length).toBe(from);
  });
});
