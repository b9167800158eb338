import { existsSync, mkdirSync, readFileSync, renameSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { ROOT } from './import-graph.js';
import { runCommand } from './run-cli.js';

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
function offlineLockfile(
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

/** The package as `npm pack` made it for this test run. */
export interface PackedPackage {
  /** Absolute path of the tarball. */
  tarball: string;
  /** The tarball's size, and the size of the files it holds, in bytes (`npm pack --json`). */
  size: number;
  unpackedSize: number;
  /** The paths it holds, relative to the package root. */
  files: string[];
}

let packing: Promise<PackedPackage> | undefined;

/**
 * Packs the package once per test run, whichever test file asks first, and shares the tarball
 * with every other file (and worker process) of the run. `npm pack` runs `prepack`, so this
 * also builds dist/ (the library, the CLI bundle, the construct and its assets).
 *
 * Several workers may ask at once: the first to create the run's lock directory packs and
 * writes `packed.json`; the others wait for that file (fs.watch, not polling). The run's
 * directory comes from the global setup (`packDir`) and is removed at the end of the run.
 */
export function packOnce(): Promise<PackedPackage> {
  packing ??= packOrWait(inject('packDir'));
  return packing;
}

async function packOrWait(dir: string): Promise<PackedPackage> {
  const done = join(dir, 'packed.json');
  try {
    mkdirSync(join(dir, 'lock'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readPacked(await fileWritten(dir, 'packed.json'));
  }
  let outcome: { packed?: PackedPackage; error?: string };
  try {
    outcome = { packed: await pack(dir) };
  } catch (err) {
    outcome = { error: (err as Error).message };
  }
  // Written whole then renamed, so a waiting worker never reads half a file.
  writeFileSync(`${done}.tmp`, JSON.stringify(outcome));
  renameSync(`${done}.tmp`, done);
  return readPacked(done);
}

async function pack(dir: string): Promise<PackedPackage> {
  const r = await runCommand('npm', ['pack', '--json', '--pack-destination', dir], {}, ROOT);
  if (r.code !== 0) throw new Error(`npm pack exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  // prepack's own output (the build) comes before the JSON on stdout.
  const [info] = JSON.parse(r.stdout.slice(r.stdout.indexOf('\n[') + 1)) as [
    { filename: string; size: number; unpackedSize: number; files: { path: string }[] },
  ];
  return {
    tarball: join(dir, info.filename),
    size: info.size,
    unpackedSize: info.unpackedSize,
    files: info.files.map((f) => f.path),
  };
}

function readPacked(file: string): PackedPackage {
  const outcome = JSON.parse(readFileSync(file, 'utf8')) as {
    packed?: PackedPackage;
    error?: string;
  };
  if (!outcome.packed) throw new Error(`packing the package failed: ${outcome.error}`);
  return outcome.packed;
}

/** Resolves with `dir/name` once another process has written (renamed) it there. */
function fileWritten(dir: string, name: string): Promise<string> {
  const file = join(dir, name);
  return new Promise((resolve) => {
    const watcher = watch(dir, () => {
      if (existsSync(file)) {
        watcher.close();
        resolve(file);
      }
    });
    // Written before the watch began.
    if (existsSync(file)) {
      watcher.close();
      resolve(file);
    }
  });
}

/** A fresh project's package.json: what it depends on besides `piriod-mirror`. */
export interface ProjectManifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * Installs the packed tarball (`packOnce`) into `project`, a fresh directory, with no network:
 * writes its package.json (`manifest`, with `piriod-mirror` pointed at the tarball) and a
 * lockfile pinned to the repository's own versions ({@link offlineLockfile}), then runs
 * `npm ci --offline --ignore-scripts`. Other dependencies (`aws-cdk-lib`, `constructs`,
 * `typescript`…) must be in the repository's lockfile, at versions their specs accept.
 *
 * @returns the tarball installed.
 * @throws when npm fails, with its output.
 */
export async function installPacked(
  project: string,
  manifest: ProjectManifest,
): Promise<PackedPackage> {
  const packed = await packOnce();
  const spec = `file:${packed.tarball}`;
  const dependencies = { ...manifest.dependencies, 'piriod-mirror': spec };
  const devDependencies = manifest.devDependencies ?? {};
  mkdirSync(project, { recursive: true });
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ ...manifest, dependencies, devDependencies }, null, 2),
  );
  const ours = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
    dependencies: Record<string, string>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, unknown>;
    bin: Record<string, string>;
  };
  const lock = offlineLockfile(
    manifest.name,
    { dependencies, devDependencies },
    {
      'node_modules/piriod-mirror': {
        version: ours.version,
        resolved: spec,
        dependencies: ours.dependencies,
        ...(ours.peerDependencies ? { peerDependencies: ours.peerDependencies } : {}),
        ...(ours.peerDependenciesMeta ? { peerDependenciesMeta: ours.peerDependenciesMeta } : {}),
        // npm records each package's bins in the lockfile and links only those.
        bin: ours.bin,
      },
    },
  );
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify(lock, null, 2));
  const r = await runCommand(
    'npm',
    ['ci', '--offline', '--include=dev', '--no-audit', '--no-fund', '--ignore-scripts'],
    {},
    project,
  );
  if (r.code !== 0) throw new Error(`npm ci exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return packed;
}
