import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sleep } from '../concurrency/sleep.js';
import { toUtcIso } from '../customer/timestamp.js';
import { decideFault, faultDraws, mergeFaults, NO_FAULTS, type SandboxFaults } from './faults.js';
import { pick, seededRandom } from './prng.js';
import { generateCustomer, generateCustomers, idPart, type SandboxCustomer } from './seed-data.js';

/** How to start a sandbox. Every field has a default. */
export interface SandboxOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Customers seeded at start. Default 100. */
  customers?: number;
  /** Seed of the data and fault draws. Default 42. */
  seed?: number;
  /** Accepted API token. Default `sk_test_sandbox_piriod_mirror`. */
  token?: string;
  /** Accepted workspace. Default `acc_sandbox`. */
  workspace?: string;
  /** Seeded customers are test-mode ones (served only with `x-piriod-test-mode: true`). */
  testMode?: boolean;
  /** Make every Nth seeded customer schema-invalid (a boolean sent as a string). 0 = none. */
  invalidEvery?: number;
  faults?: Partial<SandboxFaults>;
}

/** Request counters, the sandbox's own log of what it was asked. */
export interface SandboxStats {
  requests: number;
  list: number;
  get: number;
  write: number;
  byStatus: Record<string, number>;
  /** Most requests the sandbox was answering at the same moment. */
  maxInFlight: number;
}

/** A change to a sandbox customer, as a Piriod webhook would report it. */
export interface SandboxChange {
  event: 'customer.created' | 'customer.updated' | 'customer.deleted';
  id: string;
}

/** A running simulated Piriod API. */
export interface Sandbox {
  readonly url: string;
  readonly port: number;
  /** The token accepted now; {@link Sandbox.rotateToken} changes it. */
  readonly token: string;
  readonly workspace: string;
  readonly testMode: boolean;
  faults(): SandboxFaults;
  setFaults(patch: Partial<SandboxFaults>): void;
  stats(): SandboxStats;
  resetStats(): void;
  /** Customers visible to the configured mode, in listing order. */
  customers(): SandboxCustomer[];
  getCustomer(id: string): SandboxCustomer | undefined;
  /** Adds a generated customer (fields in `patch` override) and returns it. */
  addCustomer(patch?: Record<string, unknown>): SandboxCustomer;
  /** Changes a customer and moves its `updated` forward, as a dashboard edit would. */
  editCustomer(id: string, patch?: Record<string, unknown>): SandboxCustomer;
  /** Piriod's delete: archives a customer with billing history, removes the others. */
  deleteCustomer(id: string): 'archived' | 'removed';
  /** Overwrites raw fields without touching `updated`: for schema-invalid records. */
  corruptCustomer(id: string, patch: Record<string, unknown>): void;
  /** Makes `GET /customers/{id}/` answer `status` (e.g. 503) until cleared with `undefined`. */
  failCustomer(id: string, status: number | undefined): void;
  /**
   * Accepts only `next` from now on, as Piriod does when a new token is generated (the old
   * one stops working at once). Returns the new token.
   */
  rotateToken(next: string): string;
  /** Called after each listing page is served, before the next request. */
  onListPage(hook: ((page: number) => void) | undefined): void;
  /**
   * Called after every create, update and delete (API or test helpers), as Piriod calls its
   * webhooks; the dev runtime sends a signed webhook from here.
   */
  onChange(listener: ((change: SandboxChange) => void) | undefined): void;
  close(): Promise<void>;
}

/** Starts the simulated Piriod API on 127.0.0.1. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  let token = options.token ?? 'sk_test_sandbox_piriod_mirror';
  const workspace = options.workspace ?? 'acc_sandbox';
  const testMode = options.testMode ?? false;
  const random = seededRandom((options.seed ?? 42) ^ 0x5eed);
  const faultDraw = faultDraws(options.seed ?? 42);
  let faults = mergeFaults(NO_FAULTS, options.faults ?? {});
  const data = new Map<string, SandboxCustomer>();
  for (const c of generateCustomers(options.customers ?? 100, { seed: options.seed, testMode })) {
    data.set(c.id, c);
  }
  const every = options.invalidEvery ?? 0;
  if (every > 0) {
    let i = 0;
    for (const c of data.values()) if (++i % every === 0) c.send_invoices = 'yes';
  }
  let listing: SandboxCustomer[] | undefined;
  const invalidate = () => {
    listing = undefined;
  };
  const visible = (mode: boolean) => {
    if (mode === testMode && listing) return listing;
    const all = [...data.values()].filter((c) => (c.test_mode ?? false) === mode);
    if (mode === testMode) listing = all;
    return all;
  };
  let generated = data.size;
  let stats = emptyStats();
  let pageHook: ((page: number) => void) | undefined;
  let changeListener: ((change: SandboxChange) => void) | undefined;
  const changed = (event: SandboxChange['event'], id: string) => changeListener?.({ event, id });
  const failing = new Map<string, number>();

  const nextUpdated = (previous: unknown): string => {
    const prev = typeof previous === 'string' ? Date.parse(toUtcIso(previous) ?? '') : Number.NaN;
    const at = Math.max(Date.now(), Number.isNaN(prev) ? 0 : prev + 1);
    return new Date(at).toISOString();
  };

  const api = {
    add(patch: Record<string, unknown> = {}): SandboxCustomer {
      const base = generateCustomer(generated++, random, testMode);
      const now = new Date().toISOString();
      const c = { ...base, created: now, updated: now, ...patch } as SandboxCustomer;
      data.set(c.id, c);
      invalidate();
      changed('customer.created', c.id);
      return c;
    },
    edit(id: string, patch?: Record<string, unknown>): SandboxCustomer {
      const c = data.get(id);
      if (!c) throw new Error(`sandbox has no customer ${id}`);
      const change = patch ?? {
        metadata: {
          ...(c.metadata as object),
          edited: Number((c.metadata as { edited?: number } | undefined)?.edited ?? 0) + 1,
        },
      };
      Object.assign(c, change, { updated: nextUpdated(c.updated) });
      changed('customer.updated', id);
      return c;
    },
    remove(id: string): 'archived' | 'removed' {
      const c = data.get(id);
      if (!c) throw new Error(`sandbox has no customer ${id}`);
      const sales = (c.aggregations as { sales?: number } | undefined)?.sales ?? 0;
      if (sales > 0 && c.status !== 'archived') {
        Object.assign(c, { status: 'archived', updated: nextUpdated(c.updated) });
        changed('customer.updated', id);
        return 'archived';
      }
      data.delete(id);
      invalidate();
      changed('customer.deleted', id);
      return 'removed';
    },
  };

  const churn = () => {
    const { deletes, adds, edits } = faults.churnPerPage;
    for (let k = 0; k < deletes && data.size > 0; k++) {
      const ids = visible(testMode);
      const victim = ids[Math.floor(random() * ids.length)];
      if (victim) {
        data.delete(victim.id);
        invalidate();
      }
    }
    for (let k = 0; k < adds; k++) api.add();
    for (let k = 0; k < edits; k++) {
      const ids = visible(testMode);
      const target = ids[Math.floor(random() * ids.length)];
      if (target) api.edit(target.id);
    }
  };

  let inFlight = 0;
  const server = createServer((req, res) => {
    stats.maxInFlight = Math.max(stats.maxInFlight, ++inFlight);
    res.once('close', () => inFlight--);
    handle(req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, { detail: `sandbox error: ${(err as Error).message}` });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    stats.requests++;
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
      send(res, status, body, headers);
    };
    const auth = req.headers.authorization;
    if (!auth) return reply(401, { detail: 'Authentication credentials were not provided.' });
    if (auth !== `Token ${token}`) return reply(401, { detail: 'Invalid token.' });
    const ws = req.headers['x-simple-workspace'];
    if (!ws) return reply(400, { non_field_errors: ['x-simple-workspace header is required.'] });
    if (ws !== workspace) {
      return reply(403, { detail: 'You do not have permission to perform this action.' });
    }
    const mode = String(req.headers['x-piriod-test-mode'] ?? '').toLowerCase() === 'true';

    if (url.pathname.startsWith('/_sandbox/')) return control(req, url, reply);

    const method = req.method ?? 'GET';
    const listMatch = url.pathname === '/customers/';
    const idMatch = /^\/customers\/([^/]+)\/$/.exec(url.pathname);
    if (!listMatch && !idMatch) return reply(404, { detail: 'Not found.' });

    if (method === 'GET') {
      if (listMatch) stats.list++;
      else stats.get++;
      if (faults.latencyMs > 0) await sleep(faults.latencyMs);
      const draw = faultDraw(`${url.pathname}${url.search}`);
      const fault = decideFault(faults, draw);
      if (fault === 'hang') {
        setTimeout(() => req.socket.destroy(), faults.hangMs).unref();
        return;
      }
      if (fault === 'rate-limit') {
        return reply(
          429,
          { detail: 'Request was throttled.' },
          {
            'retry-after': String(faults.retryAfterSeconds),
          },
        );
      }
      if (fault === 'error') {
        const status = pick(draw, [500, 502, 503]);
        return reply(status, { detail: 'A server error occurred.' });
      }
      const forced = idMatch ? failing.get(decodeURIComponent(idMatch[1] ?? '')) : undefined;
      if (forced !== undefined) return reply(forced, { detail: `sandbox: forced ${forced}` });
      const body = listMatch ? listPage(url, mode) : getOne(idMatch?.[1] ?? '', mode);
      if (body.status !== 200) return reply(body.status, body.body);
      if (fault === 'malformed') {
        const text = JSON.stringify(body.body);
        stats.byStatus[200] = (stats.byStatus[200] ?? 0) + 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(text.slice(0, Math.floor(text.length / 2)));
        return;
      }
      reply(200, body.body);
      if (listMatch) {
        pageHook?.(Number(url.searchParams.get('page') ?? '1'));
        churn();
      }
      return;
    }

    stats.write++;
    const payload = await readJson(req);
    if (listMatch && method === 'POST') {
      if (!payload || typeof payload !== 'object' || typeof payload.name !== 'string') {
        return reply(400, { name: ['This field is required.'] });
      }
      return reply(201, api.add({ ...payload, id: `cus_${idPart(random)}`, test_mode: mode }));
    }
    const id = idMatch?.[1] ?? '';
    const existing = data.get(id);
    if (!existing || (existing.test_mode ?? false) !== mode) {
      return reply(404, { detail: 'Not found.' });
    }
    if (method === 'PATCH') return reply(200, api.edit(id, payload ?? {}));
    if (method === 'DELETE') {
      api.remove(id);
      return reply(204, undefined);
    }
    return reply(405, { detail: `Method "${method}" not allowed.` });
  }

  function listPage(url: URL, mode: boolean): { status: number; body: unknown } {
    const page = Number(url.searchParams.get('page') ?? '1');
    const size = Math.min(
      100,
      Math.max(1, Number(url.searchParams.get('page_size') ?? '20') || 20),
    );
    let all = visible(mode);
    if (url.searchParams.get('ordering') === '-created') all = [...all].reverse();
    const pages = Math.max(1, Math.ceil(all.length / size));
    if (!Number.isInteger(page) || page < 1 || page > pages) {
      return { status: 404, body: { detail: 'Invalid page.' } };
    }
    const link = (p: number) => {
      const u = new URL(url);
      u.searchParams.set('page', String(p));
      u.searchParams.set('page_size', String(size));
      return u.toString();
    };
    return {
      status: 200,
      body: {
        count: all.length,
        next: page < pages ? link(page + 1) : null,
        previous: page > 1 ? link(page - 1) : null,
        results: all.slice((page - 1) * size, page * size),
      },
    };
  }

  function getOne(id: string, mode: boolean): { status: number; body: unknown } {
    const c = data.get(decodeURIComponent(id));
    if (!c || (c.test_mode ?? false) !== mode)
      return { status: 404, body: { detail: 'Not found.' } };
    return { status: 200, body: c };
  }

  async function control(
    req: IncomingMessage,
    url: URL,
    reply: (s: number, b: unknown) => void,
  ): Promise<void> {
    if (url.pathname === '/_sandbox/stats/') return reply(200, stats);
    if (url.pathname === '/_sandbox/faults/') {
      if (req.method === 'PATCH') {
        try {
          faults = mergeFaults(faults, ((await readJson(req)) ?? {}) as Partial<SandboxFaults>);
        } catch (err) {
          return reply(400, { detail: (err as Error).message });
        }
      }
      return reply(200, faults);
    }
    return reply(404, { detail: 'Not found.' });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get token() {
      return token;
    },
    workspace,
    testMode,
    faults: () => faults,
    setFaults: (patch) => {
      faults = mergeFaults(faults, patch);
    },
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = emptyStats();
    },
    customers: () => [...visible(testMode)],
    getCustomer: (id) => data.get(id),
    addCustomer: (patch) => api.add(patch),
    editCustomer: (id, patch) => api.edit(id, patch),
    deleteCustomer: (id) => api.remove(id),
    corruptCustomer: (id, patch) => {
      const c = data.get(id);
      if (!c) throw new Error(`sandbox has no customer ${id}`);
      Object.assign(c, patch);
    },
    failCustomer: (id, status) => {
      if (status === undefined) failing.delete(id);
      else failing.set(id, status);
    },
    rotateToken: (next) => {
      token = next;
      return token;
    },
    onChange: (listener) => {
      changeListener = listener;
    },
    onListPage: (hook) => {
      pageHook = hook;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function emptyStats(): SandboxStats {
  return { requests: 0, list: 0, get: 0, write: 0, byStatus: {}, maxInFlight: 0 };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 2_000_000) throw new Error('request body over 2 MB');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}
