import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sleep } from '../../lib/concurrency/sleep.js';
import { toUtcIso } from '../../lib/customer/timestamp.js';
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
  /** Accepted workspace (the first one). Default `acc_sandbox`. */
  workspace?: string;
  /**
   * How many workspaces to serve, default 1. Workspace k ≥ 2 is `<workspace>_k`, with token
   * `<token>_k`, its own customers (as many, from seed `seed + k - 1`, without the API page's
   * example so no id is shared) and its own change feed, as separate Piriod accounts are.
   */
  workspaces?: number;
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
  /** The workspace whose customer changed (whose webhook Piriod would call). */
  workspace: string;
}

/** One workspace of a sandbox: its token and its customers. */
export interface SandboxWorkspace {
  readonly id: string;
  /**
   * The token accepted now for this workspace ({@link SandboxWorkspace.rotateToken} changes
   * it); after {@link SandboxWorkspace.revokeToken}, the revoked one, which no longer works.
   */
  readonly token: string;
  readonly testMode: boolean;
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
   *
   * @throws Error when another workspace of the sandbox has that token.
   */
  rotateToken(next: string): string;
  /** Accepts no token at all any more for this workspace (a revoked token): every call 401. */
  revokeToken(): void;
}

/**
 * A running simulated Piriod API. The customer and token methods act on the first workspace;
 * {@link Sandbox.inWorkspace} gives the same methods for any workspace.
 */
export interface Sandbox extends Omit<SandboxWorkspace, 'id'> {
  readonly url: string;
  readonly port: number;
  /** The first workspace's id. */
  readonly workspace: string;
  /** Every workspace served, the first one first. */
  readonly workspaces: readonly SandboxWorkspace[];
  /**
   * One workspace by id.
   *
   * @throws Error when the sandbox does not serve it.
   */
  inWorkspace(id: string): SandboxWorkspace;
  faults(): SandboxFaults;
  setFaults(patch: Partial<SandboxFaults>): void;
  stats(): SandboxStats;
  resetStats(): void;
  /** Called after each listing page is served (of any workspace), before the next request. */
  onListPage(hook: ((page: number, workspace: string) => void) | undefined): void;
  /**
   * Called after every create, update and delete (API or test helpers) in any workspace, as
   * Piriod calls each workspace's webhooks; the dev runtime sends a signed webhook from here.
   */
  onChange(listener: ((change: SandboxChange) => void) | undefined): void;
  close(): Promise<void>;
}

/** The most workspaces one sandbox serves (as many as a deployment mirrors). */
const MAX_SANDBOX_WORKSPACES = 20;

/** One workspace's state: its token, its customers and the helpers that change them. */
interface WorkspaceState {
  readonly id: string;
  token: string;
  revoked: boolean;
  readonly testMode: boolean;
  readonly data: Map<string, SandboxCustomer>;
  readonly failing: Map<string, number>;
  readonly random: () => number;
  visible(mode: boolean): SandboxCustomer[];
  add(patch?: Record<string, unknown>): SandboxCustomer;
  edit(id: string, patch?: Record<string, unknown>): SandboxCustomer;
  remove(id: string): 'archived' | 'removed';
  invalidate(): void;
}

/** Starts the simulated Piriod API on 127.0.0.1. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const baseToken = options.token ?? 'sk_test_sandbox_piriod_mirror';
  const baseWorkspace = options.workspace ?? 'acc_sandbox';
  const testMode = options.testMode ?? false;
  const seed = options.seed ?? 42;
  const count = options.workspaces ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_SANDBOX_WORKSPACES) {
    throw new RangeError(
      `sandbox workspaces must be a whole number from 1 to ${MAX_SANDBOX_WORKSPACES}, got ${count}`,
    );
  }
  const faultDraw = faultDraws(seed);
  let faults = mergeFaults(NO_FAULTS, options.faults ?? {});
  let stats = emptyStats();
  let pageHook: ((page: number, workspace: string) => void) | undefined;
  let changeListener: ((change: SandboxChange) => void) | undefined;

  const workspaces: WorkspaceState[] = [];
  for (let k = 1; k <= count; k++) {
    workspaces.push(
      workspaceState({
        id: k === 1 ? baseWorkspace : `${baseWorkspace}_${k}`,
        token: k === 1 ? baseToken : `${baseToken}_${k}`,
        // Another account's customers: other names and ids, and not the page's example (its
        // fixed id would be one customer in two workspaces, which Piriod never has).
        seed: seed + k - 1,
        pageExample: k === 1,
        customers: options.customers ?? 100,
        testMode,
        invalidEvery: options.invalidEvery ?? 0,
        changed: (change) => changeListener?.(change),
      }),
    );
  }
  const first = workspaces[0] as WorkspaceState;

  const churn = (ws: WorkspaceState) => {
    const { deletes, adds, edits } = faults.churnPerPage;
    for (let k = 0; k < deletes && ws.data.size > 0; k++) {
      const ids = ws.visible(testMode);
      const victim = ids[Math.floor(ws.random() * ids.length)];
      if (victim) {
        ws.data.delete(victim.id);
        ws.invalidate();
      }
    }
    for (let k = 0; k < adds; k++) ws.add();
    for (let k = 0; k < edits; k++) {
      const ids = ws.visible(testMode);
      const target = ids[Math.floor(ws.random() * ids.length)];
      if (target) ws.edit(target.id);
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
    // A token belongs to one workspace: Piriod answers 401 for a token it does not know and
    // 403 for a known token sent with another workspace's header (piriod-api.md, Errors).
    const owner = workspaces.find((w) => !w.revoked && auth === `Token ${w.token}`);
    if (!owner) return reply(401, { detail: 'Invalid token.' });
    const header = req.headers['x-simple-workspace'];
    if (!header)
      return reply(400, { non_field_errors: ['x-simple-workspace header is required.'] });
    if (header !== owner.id) {
      return reply(403, { detail: 'You do not have permission to perform this action.' });
    }
    const ws = owner;
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
      const forced = idMatch ? ws.failing.get(decodeURIComponent(idMatch[1] ?? '')) : undefined;
      if (forced !== undefined) return reply(forced, { detail: `sandbox: forced ${forced}` });
      const body = listMatch ? listPage(ws, url, mode) : getOne(ws, idMatch?.[1] ?? '', mode);
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
        pageHook?.(Number(url.searchParams.get('page') ?? '1'), ws.id);
        churn(ws);
      }
      return;
    }

    stats.write++;
    const payload = await readJson(req);
    if (listMatch && method === 'POST') {
      if (!payload || typeof payload !== 'object' || typeof payload.name !== 'string') {
        return reply(400, { name: ['This field is required.'] });
      }
      return reply(201, ws.add({ ...payload, id: `cus_${idPart(ws.random)}`, test_mode: mode }));
    }
    const id = idMatch?.[1] ?? '';
    const existing = ws.data.get(id);
    if (!existing || (existing.test_mode ?? false) !== mode) {
      return reply(404, { detail: 'Not found.' });
    }
    if (method === 'PATCH') return reply(200, ws.edit(id, payload ?? {}));
    if (method === 'DELETE') {
      ws.remove(id);
      return reply(204, undefined);
    }
    return reply(405, { detail: `Method "${method}" not allowed.` });
  }

  function listPage(
    ws: WorkspaceState,
    url: URL,
    mode: boolean,
  ): { status: number; body: unknown } {
    const page = Number(url.searchParams.get('page') ?? '1');
    const size = Math.min(
      100,
      Math.max(1, Number(url.searchParams.get('page_size') ?? '20') || 20),
    );
    let all = ws.visible(mode);
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

  function getOne(
    ws: WorkspaceState,
    id: string,
    mode: boolean,
  ): { status: number; body: unknown } {
    const c = ws.data.get(decodeURIComponent(id));
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

  const handleOf = (ws: WorkspaceState): SandboxWorkspace => ({
    id: ws.id,
    get token() {
      return ws.token;
    },
    testMode: ws.testMode,
    customers: () => [...ws.visible(testMode)],
    getCustomer: (id) => ws.data.get(id),
    addCustomer: (patch) => ws.add(patch),
    editCustomer: (id, patch) => ws.edit(id, patch),
    deleteCustomer: (id) => ws.remove(id),
    corruptCustomer: (id, patch) => {
      const c = ws.data.get(id);
      if (!c) throw new Error(`sandbox has no customer ${id} in ${ws.id}`);
      Object.assign(c, patch);
    },
    failCustomer: (id, status) => {
      if (status === undefined) ws.failing.delete(id);
      else ws.failing.set(id, status);
    },
    rotateToken: (next) => {
      if (workspaces.some((w) => w !== ws && w.token === next)) {
        throw new Error(`sandbox: another workspace already has that token`);
      }
      ws.token = next;
      ws.revoked = false;
      return ws.token;
    },
    revokeToken: () => {
      ws.revoked = true;
    },
  });
  const handles = workspaces.map(handleOf);
  const main = handles[0] as SandboxWorkspace;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get token() {
      return first.token;
    },
    workspace: first.id,
    workspaces: handles,
    inWorkspace: (id) => {
      const found = handles.find((h) => h.id === id);
      if (!found) throw new Error(`sandbox does not serve workspace ${id}`);
      return found;
    },
    testMode,
    faults: () => faults,
    setFaults: (patch) => {
      faults = mergeFaults(faults, patch);
    },
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = emptyStats();
    },
    customers: main.customers,
    getCustomer: main.getCustomer,
    addCustomer: main.addCustomer,
    editCustomer: main.editCustomer,
    deleteCustomer: main.deleteCustomer,
    corruptCustomer: main.corruptCustomer,
    failCustomer: main.failCustomer,
    rotateToken: main.rotateToken,
    revokeToken: main.revokeToken,
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

/** Seeds one workspace and builds the helpers that change its customers. */
function workspaceState(o: {
  id: string;
  token: string;
  seed: number;
  pageExample: boolean;
  customers: number;
  testMode: boolean;
  invalidEvery: number;
  changed: (change: SandboxChange) => void;
}): WorkspaceState {
  const { testMode } = o;
  const random = seededRandom(o.seed ^ 0x5eed);
  const data = new Map<string, SandboxCustomer>();
  const seeded = generateCustomers(o.customers + (o.pageExample ? 0 : 1), {
    seed: o.seed,
    testMode,
  });
  for (const c of o.pageExample ? seeded : seeded.slice(1)) data.set(c.id, c);
  if (o.invalidEvery > 0) {
    let i = 0;
    for (const c of data.values()) if (++i % o.invalidEvery === 0) c.send_invoices = 'yes';
  }
  let listing: SandboxCustomer[] | undefined;
  // The next index past the seeded ones (names and domains carry it).
  let generated = seeded.length;
  const changed = (event: SandboxChange['event'], id: string) =>
    o.changed({ event, id, workspace: o.id });
  const nextUpdated = (previous: unknown): string => {
    const prev = typeof previous === 'string' ? Date.parse(toUtcIso(previous) ?? '') : Number.NaN;
    const at = Math.max(Date.now(), Number.isNaN(prev) ? 0 : prev + 1);
    return new Date(at).toISOString();
  };
  const ws: WorkspaceState = {
    id: o.id,
    token: o.token,
    revoked: false,
    testMode,
    data,
    failing: new Map(),
    random,
    invalidate: () => {
      listing = undefined;
    },
    visible: (mode) => {
      if (mode === testMode && listing) return listing;
      const all = [...data.values()].filter((c) => (c.test_mode ?? false) === mode);
      if (mode === testMode) listing = all;
      return all;
    },
    add(patch: Record<string, unknown> = {}): SandboxCustomer {
      const base = generateCustomer(generated++, random, testMode);
      const now = new Date().toISOString();
      const c = { ...base, created: now, updated: now, ...patch } as SandboxCustomer;
      data.set(c.id, c);
      ws.invalidate();
      changed('customer.created', c.id);
      return c;
    },
    edit(id: string, patch?: Record<string, unknown>): SandboxCustomer {
      const c = data.get(id);
      if (!c) throw new Error(`sandbox has no customer ${id} in ${o.id}`);
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
      if (!c) throw new Error(`sandbox has no customer ${id} in ${o.id}`);
      const sales = (c.aggregations as { sales?: number } | undefined)?.sales ?? 0;
      if (sales > 0 && c.status !== 'archived') {
        Object.assign(c, { status: 'archived', updated: nextUpdated(c.updated) });
        changed('customer.updated', id);
        return 'archived';
      }
      data.delete(id);
      ws.invalidate();
      changed('customer.deleted', id);
      return 'removed';
    },
  };
  return ws;
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
