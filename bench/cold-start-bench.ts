import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { build as esbuild } from 'esbuild';
import { buildApp } from '../infra/app.js';
import { BUNDLES_CONTEXT_KEY } from '../infra/function-bundles.js';
import { type Bench, log, median, quick, ROOT, round, SIZE } from './bench-context.js';

/**
 * Section 6: cold start of each bundle, against its SDK floor: a bundle that only constructs
 * the same AWS SDK and Powertools clients (bench/floors), built with the same esbuild settings.
 */
export async function measureColdStart(b: Bench, results: Record<string, unknown>): Promise<void> {
  log('cold start of the synthesized bundles and their SDK floors…');
  const outdir = mkdtempSync(join(tmpdir(), 'bench-cdk-'));
  const { app } = buildApp(
    new App({
      outdir,
      context: {
        workspace: 'acc_bench',
        publishChanges: 'true',
        [BUNDLES_CONTEXT_KEY]: b.BENCH_BUNDLES,
      },
    }),
  );
  const assembly = app.synth();
  const template = assembly.getStackByName('PiriodMirror').template as {
    Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: string } } }>;
  };
  const empty = join(outdir, 'empty.mjs');
  writeFileSync(empty, 'export const handler = () => {};\n');
  // Lambda runs Node 24: measure with it too (BENCH_NODE24, else the npm package node@24).
  // The quick run stays under a minute by skipping Node 24 unless a binary is given.
  const node24 = process.env.BENCH_NODE24 ?? (quick ? undefined : findNode24());
  const runtimes = [process.execPath, ...(node24 ? [node24] : [])];
  const rows: Record<string, unknown> = {};
  for (const [id, res] of Object.entries(template.Resources)) {
    if (res.Type !== 'AWS::Lambda::Function') continue;
    // The function's folder, which its role's description starts with.
    const roleId = (res.Properties as { Role?: { 'Fn::GetAtt'?: string[] } }).Role?.[
      'Fn::GetAtt'
    ]?.[0];
    const role = template.Resources[roleId ?? ''] as
      | { Properties: { Description?: string } }
      | undefined;
    const kebab =
      /^([a-z-]+):/.exec(role?.Properties.Description ?? '')?.[1] ??
      id
        .replace(/Function.*/, '')
        .replace(/([a-z])([A-Z])/g, '$1-$2')
        .toLowerCase();
    const file = join(
      assembly.directory,
      `asset.${String(res.Properties.Code?.S3Key).replace(/\.zip$/, '')}`,
      'index.mjs',
    );
    const floor = await floorOf(kebab, outdir);
    for (const node of runtimes) {
      const base: number[] = [];
      const bundle: number[] = [];
      const floors: number[] = [];
      importTime(empty, node);
      for (let k = 0; k < SIZE.coldRuns; k++) {
        base.push(importTime(empty, node));
        floors.push(importTime(floor, node));
        bundle.push(importTime(file, node));
      }
      const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
      const ratio = round(median(bundle) / median(floors), 2);
      rows[`${kebab} (${version})`] = {
        node: version,
        sizeKb: Math.round(statSync(file).size / 1024),
        floorSizeKb: Math.round(statSync(floor).size / 1024),
        importMs: round(median(bundle), 1),
        floorImportMs: round(median(floors), 1),
        emptyModuleMs: round(median(base), 1),
        ratioToFloor: ratio,
        ratioToEmptyModule: round(median(bundle) / median(base), 2),
        goal: 'ratio to floor ≤ 1.25',
        met: ratio <= 1.25,
      };
    }
  }
  results.coldStart = rows;
}

/** A Node 24 binary from the npm package `node@24` (as `npm run test:node24` uses), if it installs. */
function findNode24(): string | undefined {
  const r = spawnSync('npx', ['-y', '-p', 'node@24', 'node', '-p', 'process.execPath'], {
    encoding: 'utf8',
    env: { ...process.env, npm_config_call: '', npm_config_package: '' },
  });
  const path = r.stdout.trim();
  return r.status === 0 && path ? path : undefined;
}

/** The SDK floor of function `name` (bench/floors), bundled as the functions are. */
async function floorOf(name: string, outdir: string): Promise<string> {
  const out = join(outdir, `floor-${name}.mjs`);
  await esbuild({
    entryPoints: [join(ROOT, 'bench', 'floors', `${name}.ts`)],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    mainFields: ['module', 'main'],
    banner: {
      js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
    },
    logLevel: 'silent',
  });
  return out;
}

/** Milliseconds `node` takes to start and import `file`. */
function importTime(file: string, node: string): number {
  const t0 = performance.now();
  const r = spawnSync(
    node,
    ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(file).href)})`],
    { env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' } },
  );
  if (r.status !== 0) throw new Error(`import of ${file} with ${node} failed: ${r.stderr}`);
  return performance.now() - t0;
}
