import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidCustomerIdError } from '../../../lib/customer/errors.js';
import { PiriodClient, type PiriodClientOptions } from '../../../lib/piriod/client.js';
import {
  PiriodCredentialsError,
  PiriodDeadlineError,
  PiriodMalformedResponseError,
  PiriodNetworkError,
  PiriodRateLimitedError,
  PiriodServerError,
  PiriodTimeoutError,
} from '../../../lib/piriod/errors.js';
import { PortError } from '../../../lib/ports.js';
import { freePort } from '../../../tools/local/dynamodb-local.js';
import { type Sandbox, startSandbox } from '../../../tools/sandbox/sandbox-server.js';

let sandbox: Sandbox;
let sleeps: number[];

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 230 });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sleeps = [];
  sandbox.setFaults({ errorRate: 0, rateLimitRate: 0, hangRate: 0, malformedRate: 0 });
  sandbox.resetStats();
});

/** A client whose backoff sleeps are recorded instead of waited for. */
function client(overrides: Partial<PiriodClientOptions> = {}): PiriodClient {
  return new PiriodClient({
    baseUrl: sandbox.url,
    token: sandbox.token,
    workspace: sandbox.workspace,
    pace: { requestsPerSecond: 0, concurrency: 8 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('PiriodClient listing', () => {
  it('follows next across pages of 100 until null and sees every customer once', async () => {
    const pages = [];
    for await (const page of client().listCustomers()) pages.push(page);
    expect(pages.map((p) => p.results.length)).toEqual([100, 100, 30]);
    expect(pages.map((p) => p.page)).toEqual([1, 2, 3]);
    expect(pages.map((p) => p.nextPage)).toEqual([2, 3, undefined]);
    const ids = pages.flatMap((p) => p.results.map((c) => (c as { id: string }).id));
    expect(new Set(ids).size).toBe(230);
    expect(sandbox.stats().list).toBe(3);
  });

  it('starts from a given page so a cut-short run can resume', async () => {
    const pages = [];
    for await (const page of client().listCustomers({ startPage: 3 })) pages.push(page);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.results).toHaveLength(30);
  });
});

describe('PiriodClient errors', () => {
  it('returns a customer by id with trailing-slash path and required headers', async () => {
    const c = (await client().getCustomer('cus_01H8XYZ123ABC')) as { id: string };
    expect(c.id).toBe('cus_01H8XYZ123ABC');
  });

  it('answers a 404 with no customer (a result, not a failure), without retrying', async () => {
    expect(await client().getCustomer('cus_missing')).toBeUndefined();
    expect(sandbox.stats().get).toBe(1);
  });

  it('gives its failures the kinds the use cases decide on', async () => {
    const err = await failure(client({ token: 'sk_live_secret_wrong_token' }).getCustomer('cus_1'));
    expect(err).toBeInstanceOf(PortError);
    expect(err).toMatchObject({ kind: 'credentials-rejected', retryable: false });
  });

  it('maps 401 and 403 to PiriodCredentialsError, never retried, token never shown', async () => {
    const wrongToken = await failure(
      client({ token: 'sk_live_secret_wrong_token' }).getCustomer('cus_1'),
    );
    expect(wrongToken).toBeInstanceOf(PiriodCredentialsError);
    expect(wrongToken.message).not.toContain('sk_live_secret_wrong_token');
    expect(wrongToken.message).toContain('PIRIOD_API_TOKEN');
    const wrongWorkspace = await failure(client({ workspace: 'acc_other' }).getCustomer('cus_1'));
    expect(wrongWorkspace).toBeInstanceOf(PiriodCredentialsError);
    expect(sandbox.stats().requests).toBe(2);
    expect(sleeps).toEqual([]);
  });

  it('retries 5xx with backoff and gives up after maxAttempts with a clear message', async () => {
    sandbox.setFaults({ errorRate: 1 });
    const err = await failure(
      client({ retry: { maxAttempts: 4 } }).getCustomer('cus_01H8XYZ123ABC'),
    );
    expect(err).toBeInstanceOf(PiriodServerError);
    expect(err.message).toMatch(/gave up after 4 attempts/);
    expect(sandbox.stats().get).toBe(4);
    // Full jitter with random()=0.5: half of 200, 400, 800.
    expect(sleeps).toEqual([100, 200, 400]);
  });

  it('honours Retry-After on 429, then succeeds once the limit lifts', async () => {
    sandbox.setFaults({ rateLimitRate: 1, retryAfterSeconds: 2 });
    const c = client({
      sleep: async (ms) => {
        sleeps.push(ms);
        sandbox.setFaults({ rateLimitRate: 0 });
      },
    });
    const customer = (await c.getCustomer('cus_01H8XYZ123ABC')) as { id: string };
    expect(customer.id).toBe('cus_01H8XYZ123ABC');
    expect(sleeps).toEqual([2000]);
  });

  describe('with a deadline (a Lambda invocation’s time left)', () => {
    /**
     * A client on a clock the test controls: each attempt "takes" `attemptMs` and each
     * backoff sleep advances the clock by its length, so time left is exact, not raced.
     */
    function timed(attemptMs: number) {
      let now = 1_000_000;
      const c = client({
        timeoutMs: 10_000,
        now: () => now,
        sleep: async (ms) => {
          sleeps.push(ms);
          now += ms;
        },
        onAttempt: () => {
          now += attemptMs;
        },
      });
      return { c, at: (ms: number) => 1_000_000 + ms, now: () => now };
    }

    it('starts no attempt whose timeout would pass the deadline, and says the customer was not requested', async () => {
      const { c } = timed(0);
      const err = await failure(c.getCustomer('cus_01H8XYZ123ABC', { timeLeftMs: 9_999 }));
      expect(err).toBeInstanceOf(PiriodDeadlineError);
      expect(err.message).toMatch(/was not requested: an attempt \(timeout 10000 ms\)/);
      expect(sandbox.stats().requests).toBe(0);
    });

    it('caps the attempts of a slow, failing Piriod by the time left and never sleeps past the deadline', async () => {
      sandbox.setFaults({ errorRate: 1 });
      const { c, at, now } = timed(8_000);
      const err = await failure(c.getCustomer('cus_01H8XYZ123ABC', { timeLeftMs: 25_000 }));
      expect(err).toBeInstanceOf(PiriodServerError);
      // 0 → 8 s, wait 0.1 s, → 16.1 s; another wait and a 10 s attempt would end past 25 s.
      expect(err.message).toMatch(
        /gave up after 2 attempts: no time left for another before the invocation's deadline/,
      );
      expect(sandbox.stats().get).toBe(2);
      expect(sleeps).toEqual([100]);
      expect(now()).toBeLessThanOrEqual(at(25_000));
    });

    it('does not wait out a Retry-After longer than the time left', async () => {
      sandbox.setFaults({ rateLimitRate: 1, retryAfterSeconds: 30 });
      const { c } = timed(0);
      const err = await failure(c.getCustomer('cus_01H8XYZ123ABC', { timeLeftMs: 35_000 }));
      expect(err).toBeInstanceOf(PiriodRateLimitedError);
      expect(err.message).toMatch(/gave up after 1 attempt: no time left/);
      expect(sleeps).toEqual([]);
      expect(sandbox.stats().get).toBe(1);
    });

    it('still retries as usual when the deadline leaves room', async () => {
      sandbox.setFaults({ errorRate: 1 });
      const { c } = timed(0);
      const err = await failure(c.getCustomer('cus_01H8XYZ123ABC', { timeLeftMs: 60_000 }));
      expect(err.message).toMatch(/gave up after 5 attempts\)$/);
      expect(sandbox.stats().get).toBe(5);
    });
  });

  it('surfaces a persistent 429 as PiriodRateLimitedError with the Retry-After value', async () => {
    sandbox.setFaults({ rateLimitRate: 1, retryAfterSeconds: 3 });
    const err = await failure(
      client({ retry: { maxAttempts: 2 } }).getCustomer('cus_01H8XYZ123ABC'),
    );
    expect(err).toBeInstanceOf(PiriodRateLimitedError);
    expect((err as PiriodRateLimitedError).retryAfterMs).toBe(3000);
  });

  it('times out a request that hangs and retries it', async () => {
    sandbox.setFaults({ hangRate: 1, hangMs: 5_000 });
    const err = await failure(
      client({ timeoutMs: 150, retry: { maxAttempts: 2 } }).getCustomer('cus_01H8XYZ123ABC'),
    );
    expect(err).toBeInstanceOf(PiriodTimeoutError);
    expect(err.message).toContain('did not answer within 150 ms');
    expect(sandbox.stats().get).toBe(2);
  });

  it('treats a body that is not JSON as a retryable malformed response', async () => {
    sandbox.setFaults({ malformedRate: 1 });
    const err = await failure(
      client({ retry: { maxAttempts: 2 } }).getCustomer('cus_01H8XYZ123ABC'),
    );
    expect(err).toBeInstanceOf(PiriodMalformedResponseError);
    expect((err as PiriodMalformedResponseError).retryable).toBe(true);
    expect(sandbox.stats().get).toBe(2);
  });

  it('reports an unreachable Piriod as a network error after retries', async () => {
    const port = await freePort();
    const err = await failure(
      client({ baseUrl: `http://127.0.0.1:${port}`, retry: { maxAttempts: 2 } }).getCustomer(
        'cus_1',
      ),
    );
    expect(err).toBeInstanceOf(PiriodNetworkError);
    expect(err.message).toMatch(/cannot reach Piriod/);
  });

  it('refuses ids that are not Piriod ids without sending anything', async () => {
    for (const bad of ['../etc', '', 'x'.repeat(10_000), 'cus_1/../../']) {
      expect(await failure(client().getCustomer(bad))).toBeInstanceOf(InvalidCustomerIdError);
    }
    expect(sandbox.stats().requests).toBe(0);
  });

  it('never includes the token in any error message', async () => {
    const token = sandbox.token;
    const errors: Error[] = [];
    sandbox.setFaults({ errorRate: 1 });
    errors.push(await failure(client({ retry: { maxAttempts: 1 } }).getCustomer('cus_x')));
    sandbox.setFaults({ errorRate: 0 });
    // A 404 by id is an answer now; one of the listing is still an error (Piriod's "Invalid page").
    const listing = client().listCustomers({ startPage: 99 })[Symbol.asyncIterator]();
    errors.push(await failure(listing.next()));
    errors.push(await failure(client({ workspace: 'acc_x' }).getCustomer('cus_x')));
    for (const err of errors) {
      expect(err.message).not.toContain(token);
      expect(JSON.stringify(err)).not.toContain(token);
    }
  });

  it('treats a next URL whose page is not a number as a malformed listing, not NaN', async () => {
    const server = createServer((req, res) => {
      const next = `http://${req.headers.host}/customers/?page=two&page_size=100`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ count: 200, next, previous: null, results: [] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const piriod = client({
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      });
      const pages: unknown[] = [];
      const err = await (async () => {
        for await (const page of piriod.listCustomers()) pages.push(page);
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PiriodMalformedResponseError);
      expect((err as Error).message).toBe(
        'Piriod listing\'s next URL has page="two", not a page number',
      );
      expect(pages).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('re-reads a rotated token once on 401 and carries on; a token that stays wrong is rejected', async () => {
    const original = sandbox.token;
    let stored = original;
    let refreshes = 0;
    const tokens = {
      get: async () => stored,
      refresh: async () => {
        refreshes++;
        return stored;
      },
    };
    const piriod = client({ token: tokens });
    const [id] = sandbox.customers().map((c) => c.id) as [string];
    await piriod.getCustomer(id);
    try {
      stored = sandbox.rotateToken('sk_test_rotated');
      // The cached value is stale until refresh() reads the stored one.
      let cached = original;
      tokens.get = async () => cached;
      tokens.refresh = async () => {
        refreshes++;
        cached = stored;
        return cached;
      };
      await expect(piriod.getCustomer(id)).resolves.toMatchObject({ id });
      expect(refreshes).toBe(1);
      sandbox.rotateToken('sk_test_someone_else');
      await expect(piriod.getCustomer(id)).rejects.toBeInstanceOf(PiriodCredentialsError);
      expect(refreshes).toBe(2);
    } finally {
      sandbox.rotateToken(original);
    }
  });

  it('fetches listing pages ahead, within the pace, and still yields them in order', async () => {
    sandbox.setFaults({ latencyMs: 20 });
    try {
      const pages: number[] = [];
      for await (const page of client({
        pace: { requestsPerSecond: 0, concurrency: 4 },
      }).listCustomers()) {
        pages.push(page.page);
      }
      expect(pages).toEqual([1, 2, 3]);
      expect(sandbox.stats().list).toBe(3);
      expect(sandbox.stats().maxInFlight).toBe(2); // pages 2 and 3 together, never more than the pace allows
      sandbox.resetStats();
      for await (const _ of client({
        pace: { requestsPerSecond: 0, concurrency: 1 },
      }).listCustomers()) {
      }
      expect(sandbox.stats().maxInFlight).toBe(1);
    } finally {
      sandbox.setFaults({ latencyMs: 0 });
    }
  });

  it('ends the listing where a prefetched page no longer exists (the listing shrank)', async () => {
    const gone = sandbox
      .customers()
      .slice(150)
      .map((c) => c.id);
    const seen: string[] = [];
    try {
      sandbox.onListPage((page) => {
        // Page 3 was asked for on the strength of page 1's count; it may now be beyond the end.
        if (page === 2) for (const id of gone) sandbox.deleteCustomer(id);
      });
      for await (const page of client({
        pace: { requestsPerSecond: 0, concurrency: 4 },
      }).listCustomers()) {
        for (const c of page.results) seen.push((c as { id: string }).id);
      }
    } finally {
      sandbox.onListPage(undefined);
    }
    expect(seen.length).toBeLessThanOrEqual(230);
    expect(seen.length).toBeGreaterThanOrEqual(100);
  });
});
