import { expect } from 'vitest';
import { contentHash } from '../../lib/customer/content-hash.js';
import { parseCustomerRecord } from '../../lib/customer/record.js';
import {
  type AttemptInfo,
  PiriodClient,
  type PiriodClientOptions,
} from '../../lib/piriod/client.js';
import { plural } from '../../lib/plural.js';
import { systemClock } from '../../lib/ports.js';
import type { MirrorAllDeps } from '../../lib/use-cases/mirror-all.js';
import type { RunSummary } from '../../lib/use-cases/outcome.js';
import type { Sandbox } from '../../tools/sandbox/sandbox-server.js';
import type { TestTable } from './dynamo.js';
import { customerPart, expectedMirror, scanTable } from './oracle.js';

/** Size multiplier: 1 in `npm test`, larger under `npm run test:soak`. */
export const SCALE = Number(process.env.RELIABILITY_SCALE ?? 1);

/** A Piriod client for the sandbox with fast, bounded retries (no long real waits). */
export function fastClient(
  sandbox: Sandbox,
  overrides: Partial<PiriodClientOptions> = {},
): PiriodClient {
  return new PiriodClient({
    baseUrl: sandbox.url,
    token: sandbox.token,
    workspace: sandbox.workspace,
    pace: { requestsPerSecond: 0, concurrency: 8 },
    retry: { baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 50 },
    ...overrides,
  });
}

/**
 * What a Piriod client met when it last fetched each customer by id (from its `onAttempt`
 * hook): whether the record reached it, and after how many attempts. Lets an oracle check a
 * report against what actually happened on the wire, however slow the machine was.
 */
export class AttemptLog {
  private readonly last = new Map<string, { attempts: number; answered: boolean }>();

  /** Pass as the client's `onAttempt`. */
  readonly record = (a: AttemptInfo): void => {
    const id = /^\/customers\/([^/]+)\/$/.exec(a.path)?.[1];
    if (!id) return;
    // Attempt 1 starts a new fetch; the report that stands is the latest fetch's.
    const fetch = a.attempt === 1 ? { attempts: 0, answered: false } : this.last.get(id);
    if (!fetch) return;
    fetch.attempts++;
    if (a.status === 200 && a.error === undefined) fetch.answered = true;
    this.last.set(id, fetch);
  };

  /** A copy of the log as it stands, e.g. the fetches of one run before the next starts. */
  snapshot(): AttemptLog {
    const copy = new AttemptLog();
    for (const [id, fetch] of this.last) copy.last.set(id, { ...fetch });
    return copy;
  }

  /** The latest fetch of `id` by id, if there was one. */
  lastFetch(id: string): { attempts: number; answered: boolean } | undefined {
    return this.last.get(id);
  }
}

/** Sync ports for a scenario. */
export function scenarioDeps(
  sandbox: Sandbox,
  t: TestTable,
  piriod = fastClient(sandbox),
): MirrorAllDeps {
  return {
    piriod,
    store: t.store,
    clock: systemClock,
    workspace: sandbox.workspace,
    source: 'cli',
  };
}

/**
 * The oracle of every scenario: each customer of the sandbox is in the table exactly as
 * normalized — or, when `summary` is given, reported in it with a reason. A schema-invalid
 * customer is reported "not mirrorable"; with an `attempts` log, one whose record never
 * reached the client (every attempt failed) is reported with that failure instead, after
 * exactly the attempts the log shows. Every item in the table is whole: its content hash
 * matches its content.
 */
export async function expectMirroredOrReported(
  t: TestTable,
  sandbox: Sandbox,
  summary?: RunSummary,
  attempts?: AttemptLog,
) {
  const oracle = expectedMirror(sandbox);
  const items = await scanTable(t);
  const reported = new Map((summary?.failed ?? []).map((f) => [f.id, f.reason]));
  const missing: string[] = [];
  for (const [id, customer] of oracle.customers) {
    const item = items.get(id);
    if (item && !item.deleted) {
      expect(customerPart(item), id).toEqual(customer);
    } else if (reported.has(id)) {
      expect(reported.get(id)).toMatch(/\S/);
    } else {
      missing.push(id);
    }
  }
  expect(missing, 'customers neither mirrored nor reported').toEqual([]);
  for (const id of oracle.invalid) {
    if (!summary) continue;
    const fetch = attempts?.lastFetch(id);
    if (!fetch || fetch.answered) {
      expect(reported.get(id), `invalid ${id} reported`).toMatch(/not mirrorable/);
    } else {
      // Piriod's answer never reached us: the honest report is the last failure, given up on.
      const gaveUp = new RegExp(`\\(gave up after ${plural(fetch.attempts, 'attempt')}\\)`);
      expect(reported.get(id), `invalid ${id} reported`).toMatch(gaveUp);
    }
  }
  expectWholeItems(items);
  return { oracle, items };
}

/** Every stored item carries the hash of its own content: nothing half-written. */
export function expectWholeItems(items: Map<string, Parameters<typeof customerPart>[0]>) {
  for (const [id, item] of items) {
    expect(parseCustomerRecord(item), id).toMatchObject({ ok: true });
    expect(item.contentHash, id).toBe(contentHash(customerPart(item)));
    expect(item.schemaVersion, id).toBe(1);
  }
}
