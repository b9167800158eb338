import type { IncomingMessage, ServerResponse } from 'node:http';
import { sleep } from '../../lib/concurrency/sleep.js';
import { decideFault, type faultDraws, mergeFaults, type SandboxFaults } from './faults.js';
import { pick } from './prng.js';
import { churn, type SandboxStats, type WorkspaceState } from './sandbox-workspace.js';
import { idPart } from './seed-data.js';

/** What the sandbox's HTTP side reads and changes: shared with its test helpers. */
export interface SandboxState {
  readonly workspaces: readonly WorkspaceState[];
  readonly testMode: boolean;
  readonly faultDraw: ReturnType<typeof faultDraws>;
  faults: SandboxFaults;
  stats: SandboxStats;
  pageHook: ((page: number, workspace: string) => void) | undefined;
}

type Reply = (status: number, body: unknown, headers?: Record<string, string>) => void;

/**
 * Answers one request as Piriod would: authentication and the workspace header first, then
 * the sandbox's control routes, the customer reads (with the faults) and writes.
 */
export async function handleRequest(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  state.stats.requests++;
  const reply: Reply = (status, body, headers = {}) => {
    state.stats.byStatus[status] = (state.stats.byStatus[status] ?? 0) + 1;
    send(res, status, body, headers);
  };
  const auth = req.headers.authorization;
  if (!auth) return reply(401, { detail: 'Authentication credentials were not provided.' });
  // A token belongs to one workspace: Piriod answers 401 for a token it does not know and
  // 403 for a known token sent with another workspace's header (piriod-api.md, Errors).
  const owner = state.workspaces.find((w) => !w.revoked && auth === `Token ${w.token}`);
  if (!owner) return reply(401, { detail: 'Invalid token.' });
  const header = req.headers['x-simple-workspace'];
  if (!header) return reply(400, { non_field_errors: ['x-simple-workspace header is required.'] });
  if (header !== owner.id) {
    return reply(403, { detail: 'You do not have permission to perform this action.' });
  }
  const mode = String(req.headers['x-piriod-test-mode'] ?? '').toLowerCase() === 'true';

  if (url.pathname.startsWith('/_sandbox/')) return control(state, req, url, reply);

  const method = req.method ?? 'GET';
  const route: Route = {
    ws: owner,
    url,
    mode,
    list: url.pathname === '/customers/',
    id: /^\/customers\/([^/]+)\/$/.exec(url.pathname)?.[1],
  };
  if (!route.list && route.id === undefined) return reply(404, { detail: 'Not found.' });
  if (method === 'GET') return serveRead(state, req, res, route, reply);
  return serveWrite(state, req, method, route, reply);
}

/** A customer route of one workspace: the listing, or one customer by id. */
interface Route {
  ws: WorkspaceState;
  url: URL;
  /** The `x-piriod-test-mode` header: which customers are visible. */
  mode: boolean;
  list: boolean;
  /** The id of `/customers/{id}/`, as sent (URL-encoded). */
  id: string | undefined;
}

/** A `GET` of the listing or of one customer, with the faults drawn for it. */
async function serveRead(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  route: Route,
  reply: Reply,
): Promise<void> {
  const { ws, url, mode } = route;
  if (route.list) state.stats.list++;
  else state.stats.get++;
  if (state.faults.latencyMs > 0) await sleep(state.faults.latencyMs);
  const draw = state.faultDraw(`${url.pathname}${url.search}`);
  const fault = decideFault(state.faults, draw);
  if (fault === 'hang') {
    setTimeout(() => req.socket.destroy(), state.faults.hangMs).unref();
    return;
  }
  if (fault === 'rate-limit') {
    return reply(
      429,
      { detail: 'Request was throttled.' },
      {
        'retry-after': String(state.faults.retryAfterSeconds),
      },
    );
  }
  if (fault === 'error') {
    const status = pick(draw, [500, 502, 503]);
    return reply(status, { detail: 'A server error occurred.' });
  }
  const forced = route.id !== undefined ? ws.failing.get(decodeURIComponent(route.id)) : undefined;
  if (forced !== undefined) return reply(forced, { detail: `sandbox: forced ${forced}` });
  const body = route.list ? listPage(ws, url, mode) : getOne(ws, route.id ?? '', mode);
  if (body.status !== 200) return reply(body.status, body.body);
  if (fault === 'malformed') {
    const text = JSON.stringify(body.body);
    state.stats.byStatus[200] = (state.stats.byStatus[200] ?? 0) + 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(text.slice(0, Math.floor(text.length / 2)));
    return;
  }
  reply(200, body.body);
  if (route.list) {
    state.pageHook?.(Number(url.searchParams.get('page') ?? '1'), ws.id);
    churn(ws, state.faults.churnPerPage, state.testMode);
  }
}

/** A create (`POST` on the listing), edit (`PATCH`) or delete (`DELETE`) of a customer. */
async function serveWrite(
  state: SandboxState,
  req: IncomingMessage,
  method: string,
  route: Route,
  reply: Reply,
): Promise<void> {
  const { ws, mode } = route;
  state.stats.write++;
  const payload = await readJson(req);
  if (route.list && method === 'POST') {
    if (!payload || typeof payload !== 'object' || typeof payload.name !== 'string') {
      return reply(400, { name: ['This field is required.'] });
    }
    return reply(201, ws.add({ ...payload, id: `cus_${idPart(ws.random)}`, test_mode: mode }));
  }
  const id = route.id ?? '';
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

/** One page of the listing, as Piriod pages it (`page`, `page_size` ≤ 100, `ordering`). */
function listPage(ws: WorkspaceState, url: URL, mode: boolean): { status: number; body: unknown } {
  const page = Number(url.searchParams.get('page') ?? '1');
  const size = Math.min(100, Math.max(1, Number(url.searchParams.get('page_size') ?? '20') || 20));
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

/** One customer by id, if visible in `mode`. */
function getOne(ws: WorkspaceState, id: string, mode: boolean): { status: number; body: unknown } {
  const c = ws.data.get(decodeURIComponent(id));
  if (!c || (c.test_mode ?? false) !== mode) return { status: 404, body: { detail: 'Not found.' } };
  return { status: 200, body: c };
}

/** The sandbox's own routes: its request counters, and its faults (read or changed). */
async function control(
  state: SandboxState,
  req: IncomingMessage,
  url: URL,
  reply: (s: number, b: unknown) => void,
): Promise<void> {
  if (url.pathname === '/_sandbox/stats/') return reply(200, state.stats);
  if (url.pathname === '/_sandbox/faults/') {
    if (req.method === 'PATCH') {
      try {
        state.faults = mergeFaults(
          state.faults,
          ((await readJson(req)) ?? {}) as Partial<SandboxFaults>,
        );
      } catch (err) {
        return reply(400, { detail: (err as Error).message });
      }
    }
    return reply(200, state.faults);
  }
  return reply(404, { detail: 'Not found.' });
}

export function send(
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
