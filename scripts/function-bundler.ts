import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_FILE, FUNCTION_NAMES } from '../infra/function-bundles.js';

const ROOT = join(import.meta.dirname, '..');

/**
 * Bundles the four functions into `outdir/<name>/index.mjs` (with source maps) with the
 * settings `NodejsFunction` used before the construct shipped prebuilt bundles: ESM for
 * Node.js 24, minified, every dependency inlined (the AWS SDK too: the bundle pins the
 * version the tests ran), and a `require` for dependencies that still call it.
 */
export async function buildFunctionBundles(outdir: string): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  await Promise.all(
    FUNCTION_NAMES.map((name) =>
      build({
        entryPoints: [join(ROOT, 'functions', name, 'handler.ts')],
        outfile: join(outdir, name, BUNDLE_FILE),
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node24',
        minify: true,
        sourcemap: true,
        mainFields: ['module', 'main'],
        banner: {
          js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
        },
        logLevel: 'warning',
      }),
    ),
  );
}
