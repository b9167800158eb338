import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './import-graph.js';

/** One entry of a `package-lock.json` (v3) `packages` map. */
interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * A `package-lock.json` for a fresh project that depends on `direct` (name → spec, e.g.
 * `file:../piriod-mirror-0.1.0.tgz`), whose dependencies are pinned to exactly the versions
 * the repository's own lockfile installed. `npm ci --offline` then installs the project
 * from the npm cache that the repository's `npm ci` filled (tarballs by integrity), with no
 * registry request: a plain `npm install --offline` would need the registry's package
 * metadata, which `npm ci` never caches.
 *
 * @param local lock entries of the `file:` dependencies (`version` and `dependencies`),
 *   the only packages not already in the repository's lockfile.
 */
export function offlineLockfile(
  name: string,
  direct: { dependencies: Record<string, string>; devDependencies: Record<string, string> },
  local: Record<string, LockEntry>,
): Record<string, unknown> {
  const repo = (
    JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, LockEntry>;
    }
  ).packages;
  const packages: Record<string, LockEntry> = {
    '': { name, ...direct },
  };
  const visit = (location: string, entry: LockEntry) => {
    if (packages[location]) return;
    // Dev/optional flags describe the repository's tree, not this one's.
    const { dev: _d, devOptional: _o, peer: _p, ...clean } = entry;
    packages[location] = clean;
    const wanted = { ...entry.dependencies, ...entry.optionalDependencies };
    for (const dep of Object.keys(wanted)) {
      const found = resolveIn(location, dep);
      if (found) visit(found.location, found.entry);
      else if (!entry.optionalDependencies?.[dep]) throw new Error(`${dep} not in the lockfile`);
    }
  };
  // Node's resolution over the lockfile's layout: the nearest node_modules/<dep> upwards.
  const resolveIn = (from: string, dep: string) => {
    let dir = from;
    for (;;) {
      const location = `${dir ? `${dir}/` : ''}node_modules/${dep}`;
      const entry = local[location] ?? repo[location];
      if (entry) return { location, entry };
      if (!dir) return undefined;
      const cut = dir.lastIndexOf('/node_modules/');
      dir = cut === -1 ? '' : dir.slice(0, cut);
    }
  };
  for (const dep of Object.keys({ ...direct.dependencies, ...direct.devDependencies })) {
    const found = resolveIn('', dep);
    if (!found) throw new Error(`${dep} not in the lockfile`);
    visit(found.location, found.entry);
  }
  return { name, lockfileVersion: 3, requires: true, packages };
}
