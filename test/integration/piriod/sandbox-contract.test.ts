import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../tools/sandbox/sandbox-server.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ customers: 250 });
});
afterAll(() => sandbox.close());

const call = async (path: string, headers: Record<string, string> = {}, init: RequestInit = {}) => {
  const res = await fetch(`${sandbox.url}${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
};
const auth = () => ({
  authorization: `Token ${sandbox.token}`,
  'x-simple-workspace': sandbox.workspace,
});

describe('sandbox authentication, like Piriod', () => {
  it('answers 401 with {detail} without a token or with a wrong one', async () => {
    expect(await call('/customers/')).toMatchObject({
      status: 401,
      body: { detail: 'Authentication credentials were not provided.' },
    });
    const wrong = await call('/customers/', { ...auth(), authorization: 'Token sk_live_wrong' });
    expect(wrong).toMatchObject({ status: 401, body: { detail: 'Invalid token.' } });
  });

  it('answers 400 non_field_errors without the workspace header, 403 for another workspace', async () => {
    const missing = await call('/customers/', { authorization: `Token ${sandbox.token}` });
    expect(missing).toMatchObject({
      status: 400,
      body: { non_field_errors: ['x-simple-workspace header is required.'] },
    });
    const other = await call('/customers/', { ...auth(), 'x-simple-workspace': 'acc_other' });
    expect(other.status).toBe(403);
    expect(typeof other.body.detail).toBe('string');
  });
});

describe('sandbox customers endpoints', () => {
  it('pages with {count, next, previous, results} and full next URLs', async () => {
    const first = await call('/customers/?page=1&page_size=100', auth());
    expect(first.status).toBe(200);
    expect(first.body.count).toBe(250);
    expect(first.body.results).toHaveLength(100);
    expect(first.body.previous).toBeNull();
    expect(first.body.next).toBe(`${sandbox.url}/customers/?page=2&page_size=100`);
    const last = await call('/customers/?page=3&page_size=100', auth());
    expect(last.body.results).toHaveLength(50);
    expect(last.body.next).toBeNull();
  });

  it('defaults to 20 per page and clamps page_size at 100', async () => {
    expect((await call('/customers/', auth())).body.results).toHaveLength(20);
    expect((await call('/customers/?page_size=500', auth())).body.results).toHaveLength(100);
  });

  it('answers 404 {detail} for an out-of-range page and an unknown id', async () => {
    expect((await call('/customers/?page=99', auth())).status).toBe(404);
    expect(await call('/customers/cus_nope/', auth())).toMatchObject({
      status: 404,
      body: { detail: 'Not found.' },
    });
  });

  it('serves the API page example by id', async () => {
    const res = await call('/customers/cus_01H8XYZ123ABC/', auth());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'cus_01H8XYZ123ABC', currency: 'CLP', status: 'active' });
  });

  it('serves test-mode data only with x-piriod-test-mode: true', async () => {
    const res = await call('/customers/', { ...auth(), 'x-piriod-test-mode': 'true' });
    expect(res.body.count).toBe(0);
  });

  it('creates, edits and deletes like Piriod (archive with billing history, else remove)', async () => {
    const created = await call(
      '/customers/',
      { ...auth(), 'content-type': 'application/json' },
      {
        method: 'POST',
        body: JSON.stringify({ name: 'Nueva SpA', aggregations: { sales: 0 } }),
      },
    );
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const patched = await call(`/customers/${id}/`, auth(), {
      method: 'PATCH',
      body: JSON.stringify({ phone: '+56911112222' }),
    });
    expect(patched.body.phone).toBe('+56911112222');
    expect(Date.parse(patched.body.updated)).toBeGreaterThanOrEqual(
      Date.parse(created.body.updated),
    );
    expect((await call(`/customers/${id}/`, auth(), { method: 'DELETE' })).status).toBe(204);
    expect((await call(`/customers/${id}/`, auth())).status).toBe(404);

    const billed = sandbox.customers().find((c) => (c.aggregations as { sales: number }).sales > 0);
    expect(billed).toBeDefined();
    expect(sandbox.deleteCustomer(billed!.id)).toBe('archived');
    expect((await call(`/customers/${billed!.id}/`, auth())).body.status).toBe('archived');
  });

  it('generates the same data for the same seed', async () => {
    const again = await startSandbox({ customers: 250 });
    try {
      expect(again.customers().map((c) => c.id)).toEqual((await startSandboxIds()).slice(0, 250));
    } finally {
      await again.close();
    }
  });
});

async function startSandboxIds(): Promise<string[]> {
  const s = await startSandbox({ customers: 250 });
  try {
    return s.customers().map((c) => c.id);
  } finally {
    await s.close();
  }
}

describe('sandbox fault knobs', () => {
  it('answers 429 with Retry-After when rate limiting is on', async () => {
    sandbox.setFaults({ rateLimitRate: 1, retryAfterSeconds: 7 });
    try {
      const res = await call('/customers/', auth());
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
    } finally {
      sandbox.setFaults({ rateLimitRate: 0 });
    }
  });

  it('sends a cut body when malformed bodies are on', async () => {
    sandbox.setFaults({ malformedRate: 1 });
    try {
      const res = await fetch(`${sandbox.url}/customers/`, { headers: auth() });
      expect(res.status).toBe(200);
      await expect(res.json()).rejects.toThrow();
    } finally {
      sandbox.setFaults({ malformedRate: 0 });
    }
  });

  it('changes fault settings over HTTP and counts requests', async () => {
    const before = sandbox.stats().requests;
    const res = await call(
      '/_sandbox/faults/',
      { ...auth() },
      {
        method: 'PATCH',
        body: JSON.stringify({ latencyMs: 1 }),
      },
    );
    expect(res.body.latencyMs).toBe(1);
    expect(sandbox.faults().latencyMs).toBe(1);
    sandbox.setFaults({ latencyMs: 0 });
    expect(sandbox.stats().requests).toBe(before + 1);
    const bad = await call('/_sandbox/faults/', auth(), {
      method: 'PATCH',
      body: JSON.stringify({ errorRate: 3 }),
    });
    expect(bad).toMatchObject({
      status: 400,
      body: { detail: 'fault errorRate must be in [0, 1]' },
    });
  });
});
