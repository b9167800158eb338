/**
 * `npm run build` (after tsc): bundles the CLI (tools/cli/main.ts) into dist/cli/, what the
 * installed `piriod-mirror` command runs with plain node (bin/piriod-mirror.mjs).
 *
 * Everything the CLI imports is inlined — the AWS SDK clients only the CLI uses (CloudFormation,
 * EventBridge, SNS, SQS, Secrets Manager), Powertools, and the DynamoDB client and zod too — so
 * the package's dependencies stay the library's, and the command resolves no module from
 * node_modules at start-up. The commands are split into chunks that main.ts imports when one
 * runs: `--help` loads a few kilobytes, not every client. The licences of the inlined packages
 * are written beside the bundle (dist/cli/THIRD-PARTY-LICENSES.txt).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist', 'cli');

const result = await build({
  entryPoints: { 'piriod-mirror': join(ROOT, 'tools/cli/main.ts') },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // The oldest Node `engines` allows.
  target: 'node20.19',
  minify: true,
  mainFields: ['module', 'main'],
  chunkNames: 'chunks/[name]-[hash]',
  // Some bundled CommonJS code calls require() for Node built-ins.
  banner: {
    js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  },
  metafile: true,
  logLevel: 'warning',
});

writeFileSync(join(OUT, 'THIRD-PARTY-LICENSES.txt'), licenses(Object.keys(result.metafile.inputs)));
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`wrote dist/cli/ (${Math.round(bytes / 1024)} KB)`);

/**
 * The name, version and licence of every package the bundle inlines, each licence text once
 * (the AWS SDK's packages share one Apache-2.0 text).
 */
function licenses(inputs: string[]): string {
  const dirs = new Set<string>();
  for (const input of inputs) {
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) dirs.add(input.slice(0, m.index + m[0].length - 1));
  }
  const byText = new Map<string, string[]>();
  for (const dir of [...dirs].sort()) {
    const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
    const file = readdirSync(join(ROOT, dir)).find((f) => /^licen[cs]e/i.test(f));
    const text = file ? readFileSync(join(ROOT, dir, file), 'utf8').trim() : '';
    const key = text || `(no licence file; package.json says ${manifest.license})`;
    byText.set(key, [
      ...(byText.get(key) ?? []),
      `${manifest.name}@${manifest.version} (${manifest.license})`,
    ]);
  }
  const sections = [...byText].map(([text, names]) => `${names.join('\n')}\n\n${text}\n`);
  return `Packages bundled into the piriod-mirror CLI, and their licences.\n\n${sections.join(`\n${'-'.repeat(72)}\n\n`)}`;
}
