/**
 * `npm run bench [-- --quick]`: measures the product on this machine and writes
 * bench/results.json and bench/results.md. Machines are shared and noisy, so every time is
 * reported beside a reference measured in the same run, as a ratio. Counts come from
 * counters on the real clients (SDK middleware) and the sandbox's own request log. Each
 * section lives in its own module; this file runs them in order.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { log, quick, ROOT, round, SIZE, startBench } from './bench-context.js';
import { measureColdStart } from './cold-start-bench.js';
import { measureCost } from './cost-bench.js';
import { measureFullMirror } from './full-mirror-bench.js';
import { measureNormalization, measureWebhook } from './in-process-bench.js';
import { type InstalledFigures, packAndInstall, startUpRatio } from './installed-cli.js';
import { measureRefreshById, measureScale } from './refresh-bench.js';
import { renderTable } from './render-results.js';

const b = await startBench();
const results: Record<string, unknown> = {
  quick,
  machine: { node: process.version, cpus: cpus().length },
};
results.reference = { dynamoDbLocalConditionalPutsPerSecond: Math.round(b.putsPerSecond) };
log(`  reference: ${Math.round(b.putsPerSecond)} conditional puts/s`);

// 9 (measured first, used in 1 and 2): the package as a team installs it.
log('packing the package and installing the tarball into a fresh project…');
const installed = packAndInstall(ROOT);
const help = startUpRatio(installed.bin, ['--help'], SIZE.coldRuns);
const cloneHelp = startUpRatio('npm', ['run', '--silent', 'mirror', '--', '--help'], 5, ROOT);
const installedFigures: Partial<InstalledFigures> = {
  sizes: installed.sizes,
  startUp: {
    helpMs: round(help.ms, 1),
    nodeMs: round(help.nodeMs, 1),
    ratio: round(help.ratio, 2),
    goal: 'ratio ≤ 4',
    met: help.ratio <= 4,
  },
  cloneStartUp: {
    helpMs: round(cloneHelp.ms, 1),
    nodeMs: round(cloneHelp.nodeMs, 1),
    ratio: round(cloneHelp.ratio, 2),
    how: 'npm run --silent mirror -- --help (tsx, from source)',
  },
};

await measureFullMirror(b, results, installed, installedFigures);
await measureRefreshById(b, results);
await measureScale(b, results);
measureNormalization(results);
await measureColdStart(b, results);
await measureWebhook(results);
measureCost(b, results);

await b.db.stop();
mkdirSync(join(ROOT, 'bench'), { recursive: true });
const file = join(ROOT, 'bench', quick ? 'results-quick.json' : 'results.json');
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
const md = renderTable(results);
writeFileSync(file.replace(/\.json$/, '.md'), md);
process.stdout.write(md);
log(`wrote ${file}`);
