import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { faultDraws, mergeFaults, NO_FAULTS, type SandboxFaults } from './faults.js';
import { handleRequest, type SandboxState, send } from './sandbox-http.js';
import {
  emptyStats,
  type SandboxChange,
  type SandboxStats,
  type WorkspaceState,
  workspaceState,
} from './sandbox-workspace.js';
import type { SandboxCustomer } from './seed-data.js';

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

export type { SandboxChange, SandboxStats } from './sandbox-workspace.js';

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

/** Starts the simulated Piriod API on 127.0.0.1. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const testMode = options.testMode ?? false;
  const seed = options.seed ?? 42;
  let changeListener: ((change: SandboxChange) => void) | undefined;

  const workspaces = seedWorkspaces(options, (change) => changeListener?.(change));
  const first = workspaces[0] as WorkspaceState;
  const state: SandboxState = {
    workspaces,
    testMode,
    faultDraw: faultDraws(seed),
    faults: mergeFaults(NO_FAULTS, options.faults ?? {}),
    stats: emptyStats(),
    pageHook: undefined,
  };

  let inFlight = 0;
  const server = createServer((req, res) => {
    state.stats.maxInFlight = Math.max(state.stats.maxInFlight, ++inFlight);
    res.once('close', () => inFlight--);
    handleRequest(state, req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, { detail: `sandbox error: ${(err as Error).message}` });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const handles = workspaces.map((ws) => workspaceHandle(ws, workspaces));
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
    faults: () => state.faults,
    setFaults: (patch) => {
      state.faults = mergeFaults(state.faults, patch);
    },
    stats: () => structuredClone(state.stats),
    resetStats: () => {
      state.stats = emptyStats();
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
      state.pageHook = hook;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The test helpers of one workspace, over its state. */
function workspaceHandle(
  ws: WorkspaceState,
  workspaces: readonly WorkspaceState[],
): SandboxWorkspace {
  return {
    id: ws.id,
    get token() {
      return ws.token;
    },
    testMode: ws.testMode,
    customers: () => [...ws.visible(ws.testMode)],
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
  };
}

/** Seeds each workspace of the sandbox: the first one `workspace`, then `<workspace>_k`. */
function seedWorkspaces(
  options: SandboxOptions,
  changed: (change: SandboxChange) => void,
): WorkspaceState[] {
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
        changed,
      }),
    );
  }
  return workspaces;
}
