/**
 * The one-workspace shapes tests write, turned into the ports of a deployment that mirrors
 * several: a Piriod reader with its workspace becomes {@link PiriodWorkspaces}, a lease
 * becomes a lease per scope, a signing secret becomes a secret per workspace.
 */
import { UnknownWorkspaceError } from '../../lib/customer/workspaces.js';
import type {
  CycleLease,
  MirrorStatusLog,
  PiriodReader,
  PiriodWorkspaces,
  RefreshableSecret,
  WorkspacePiriod,
} from '../../lib/ports.js';
import { MemoryBus } from './fakes.js';
import { MemoryMirrorStatus } from './memory-ports.js';

/** The workspaces of a deployment that mirrors exactly `only`. */
function oneWorkspace(only: WorkspacePiriod): PiriodWorkspaces {
  return {
    ids: [only.workspace],
    open: async (id) => {
      if (id !== only.workspace) throw new UnknownWorkspaceError(id, [only.workspace]);
      return only;
    },
  };
}

/** `{piriod, workspace, testMode, …rest}` → `{workspaces, …rest}`. */
export function inWorkspace<
  T extends { piriod: PiriodReader; workspace: string; testMode?: boolean },
>(deps: T) {
  const { piriod, workspace, testMode, ...rest } = deps;
  return { ...rest, workspaces: oneWorkspace({ piriod, workspace, testMode: testMode ?? false }) };
}

/**
 * As {@link inWorkspace}, and `lease` → `leaseOf`, `status` (in memory unless given) →
 * `statusOf` (the full mirror's shape).
 */
export function fullMirrorOf<
  T extends {
    piriod: PiriodReader;
    workspace: string;
    testMode?: boolean;
    lease: CycleLease;
    status?: MirrorStatusLog;
  },
>(deps: T) {
  const { lease, status, ...rest } = inWorkspace(deps);
  const theStatus: MirrorStatusLog =
    status ?? new MemoryMirrorStatus({ workspace: deps.workspace });
  return { ...rest, leaseOf: () => lease, statusOf: () => theStatus };
}

/**
 * The receiver's secret ports for one workspace (`acc_1` unless named), and a refresh queue
 * that takes every fallback request (a test of the fallback passes its own `queue`).
 */
export function signedFor(secret: RefreshableSecret, workspace = 'acc_1') {
  return { workspaces: [workspace], secretOf: () => secret, queue: new MemoryBus() };
}
