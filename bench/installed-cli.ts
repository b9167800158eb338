/**
 * The package as a team installs it (bench section 9): `npm pack`, then `npm install
 * --prefer-offline <tarball>` into an empty project, as a consumer would. Measures the
 * package's size (packed, unpacked, the node_modules of that install), the installed
 * command's start-up against a bare `node -e 0`, and times whole `piriod-mirror` processes
 * (the installed command, and the clone's `npm run mirror`) for the full-mirror figures.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh project with the packed package installed, and the package's sizes. */
export interface InstalledPackage {
  /** The installed `piriod-mirror` command (node_modules/.bin). */
  bin: string;
  sizes: {
    packedKb: number;
    unpackedKb: number;
    files: number;
    cliBundleKb: number;
    /** node_modules of a fresh project that installed only this package. */
    nodeModulesMb: number;
    packages: number;
  };
  remove(): void;
}

/** Packs the repository at `root` (prepack builds it) and installs the tarball in a fresh project. */
export function packAndInstall(root: string): InstalledPackage {
  const work = mkdtempSync(join(tmpdir(), 'bench-install-'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [info] = JSON.parse(out.slice(out.indexOf('\n[') + 1)) as [
    {
      filename: string;
      size: number;
      unpackedSize: number;
      files: { path: string; size: number }[];
    },
  ];
  const project = join(work, 'project');
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), '{ "name": "bench-consumer", "private": true }\n');
  execFileSync(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, info.filename)],
    { cwd: project, stdio: 'ignore' },
  );
  const modules = join(project, 'node_modules');
  const cli = info.files.filter((f) => f.path.startsWith('dist/cli/'));
  return {
    bin: join(modules, '.bin', 'piriod-mirror'),
    sizes: {
      packedKb: Math.round(info.size / 1024),
      unpackedKb: Math.round(info.unpackedSize / 1024),
      files: info.files.length,
      cliBundleKb: Math.round(cli.reduce((n, f) => n + f.size, 0) / 1024),
      nodeModulesMb: Math.round((bytesUnder(modules) / 1024 / 1024) * 10) / 10,
      packages: countPackages(modules),
    },
    remove: () => rmSync(work, { recursive: true, force: true }),
  };
}

/**
 * Median wall time of `command args` and of `node -e 0` over `runs` alternating runs, and
 * their ratio: start-up as a multiple of Node's own.
 */
export function startUpRatio(command: string, args: string[], runs: number, cwd?: string) {
  const time = (program: string, argv: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(program, argv, { cwd, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${program} ${argv.join(' ')} exited ${r.status}`);
    return performance.now() - t0;
  };
  time(process.execPath, ['-e', '0']);
  time(command, args);
  const node: number[] = [];
  const cli: number[] = [];
  for (let k = 0; k < runs; k++) {
    node.push(time(process.execPath, ['-e', '0']));
    cli.push(time(command, args));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return { ms: median(cli), nodeMs: median(node), ratio: median(cli) / median(node) };
}

/**
 * Wall time, in seconds, of one whole process (start-up included); rejects on a non-zero
 * exit. Asynchronous: the sandbox the process talks to runs in this one.
 */
export function wholeProcessSeconds(
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd?: string,
): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve((performance.now() - t0) / 1000);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`));
    });
  });
}

function bytesUnder(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) n += bytesUnder(path);
    else n += lstatSync(path).size;
  }
  return n;
}

function countPackages(modules: string): number {
  let n = 0;
  for (const name of readdirSync(modules)) {
    if (name.startsWith('.')) continue;
    n += name.startsWith('@') ? readdirSync(join(modules, name)).length : 1;
  }
  return n;
}

/** What section 9 reports (results.installedPackage). */
export interface InstalledFigures {
  sizes: InstalledPackage['sizes'];
  startUp: { helpMs: number; nodeMs: number; ratio: number; goal: string; met: boolean };
  cloneStartUp: { helpMs: number; nodeMs: number; ratio: number; how: string };
  fullMirrorUnchanged: {
    paceBoundSeconds: number;
    installedSeconds: number;
    installedRatio: number;
    cloneSeconds: number;
    cloneRatio: number;
    /** The same mirror in process (section 2), and the whole installed process over it. */
    inProcessSeconds: number;
    installedOverInProcess: number;
    goal: string;
    met: boolean;
  };
}

/** The bench table's rows for section 9. */
export function installedRows(f: InstalledFigures): string[] {
  const mark = (met: boolean) => (met ? '✔' : '✘ missed');
  const s = f.sizes;
  const u = f.fullMirrorUnchanged;
  return [
    `| package size | ${s.packedKb} KB packed, ${s.unpackedKb} KB unpacked (${s.files} files; CLI bundle ${s.cliBundleKb} KB) | fresh install: ${s.nodeModulesMb} MB node_modules, ${s.packages} packages | |`,
    `| installed \`piriod-mirror --help\` | ${f.startUp.helpMs} ms | **${f.startUp.ratio}** × \`node -e 0\` (${f.startUp.nodeMs} ms); clone \`npm run mirror -- --help\` ${f.cloneStartUp.ratio} × | ≤ 4 ${mark(f.startUp.met)} |`,
    `| full mirror, unchanged, whole process | installed command ${u.installedSeconds} s; clone \`npm run mirror\` ${u.cloneSeconds} s | **${u.installedRatio}** (clone ${u.cloneRatio}) × pace bound ${u.paceBoundSeconds} s; ${u.installedOverInProcess} × the in-process run (${u.inProcessSeconds} s) | ≥ 0.7 ${mark(u.met)} |`,
  ];
}
