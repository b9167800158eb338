import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { inject } from 'vitest';
import { ROOT } from './import-graph.js';
import { type CliRun, runCommand } from './run-cli.js';

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

/** The package's manifest fields an installed copy's lock entry needs. */
const MANIFEST = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, unknown>;
  bin: Record<string, string>;
};

let packing: Promise<string> | undefined;

/**
 * The packed package (an absolute path to its tarball). The run's global setup may pack it
 * once and provide it as `packedTarball`; otherwise this packs it (which builds it) once per
 * test file into a temporary folder.
 */
export function packedTarball(): Promise<string> {
  const provided = inject('packedTarball');
  if (provided) return Promise.resolve(provided);
  packing ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'piriod-mirror-pack-'));
    const packed = await runCommand('npm', ['pack', '--json', '--pack-destination', dir], {}, ROOT);
    if (packed.code !== 0) throw new Error(`npm pack: exit ${packed.code}\n${packed.stderr}`);
    const [{ filename }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as [
      { filename: string },
    ];
    return join(dir, filename);
  })();
  return packing;
}

/**
 * Installs `manifest` (a project's package.json, its `piriod-mirror` dependency replaced by
 * `tarball`) into `project` offline, from the npm cache, with `npm ci` and no install scripts.
 */
export async function installOffline(
  project: string,
  manifest: {
    name: string;
    dependencies: Record<string, string>;
    devDependencies?: Record<string, string>;
  },
  tarball: string,
): Promise<CliRun> {
  mkdirSync(project, { recursive: true });
  const spec = `file:${relative(project, tarball)}`;
  const pkg = { ...manifest, dependencies: { ...manifest.dependencies, 'piriod-mirror': spec } };
  writeFileSync(join(project, 'package.json'), JSON.stringify(pkg, null, 2));
  const lock = offlineLockfile(
    pkg.name,
    { dependencies: pkg.dependencies, devDependencies: pkg.devDependencies ?? {} },
    {
      'node_modules/piriod-mirror': {
        version: MANIFEST.version,
        resolved: spec,
        dependencies: MANIFEST.dependencies,
        ...(MANIFEST.peerDependencies ? { peerDependencies: MANIFEST.peerDependencies } : {}),
        ...(MANIFEST.peerDependenciesMeta
          ? { peerDependenciesMeta: MANIFEST.peerDependenciesMeta }
          : {}),
        // npm records each package's bins in the lockfile and links only those.
        bin: MANIFEST.bin,
      },
    },
  );
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify(lock, null, 2));
  return runCommand(
    'npm',
    ['ci', '--offline', '--include=dev', '--no-audit', '--no-fund', '--ignore-scripts'],
    {},
    project,
  );
}
