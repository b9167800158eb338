import { toUtcIso } from '../../lib/customer/timestamp.js';
import type { SandboxFaults } from './faults.js';
import { seededRandom } from './prng.js';
import { generateCustomer, generateCustomers, type SandboxCustomer } from './seed-data.js';

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

/** One workspace's state: its token, its customers and the helpers that change them. */
export interface WorkspaceState {
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

/** Seeds one workspace and builds the helpers that change its customers. */
export function workspaceState(o: {
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

/**
 * The listing changing under a reader, as it does in a live account: after each page served,
 * deletes, adds and edits as many customers as the faults' `churnPerPage` says.
 */
export function churn(
  ws: WorkspaceState,
  perPage: SandboxFaults['churnPerPage'],
  testMode: boolean,
): void {
  const { deletes, adds, edits } = perPage;
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
}

/** Counters at zero. */
export function emptyStats(): SandboxStats {
  return { requests: 0, list: 0, get: 0, write: 0, byStatus: {}, maxInFlight: 0 };
}
