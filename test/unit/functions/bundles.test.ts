import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../support/import-graph.js';

/** The bytes each package contributes to a function's bundle (as NodejsFunction builds it). */
async function bytesByPackage(fn: string): Promise<Map<string, number>> {
  const out = await build({
    entryPoints: [join(ROOT, 'functions', fn, 'handler.ts')],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    minify: true,
    logLevel: 'silent',
  });
  const bytes = new Map<string, number>();
  for (const output of Object.values(out.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? '(project)';
      bytes.set(pkg, (bytes.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  return bytes;
}

describe("the functions' bundles", () => {
  // Configuration is checked by plain functions (lib/config/variables.ts), and these two
  // parse no event with a schema, so they load no zod at cold start.
  it.each(['receive-webhook', 'publish-changes'])(
    '%s carries no schema library (zod)',
    async (fn) => {
      expect((await bytesByPackage(fn)).get('zod') ?? 0).toBe(0);
    },
  );

  // The measure sees zod where a function does use it: full-mirror parses its events with it.
  it('full-mirror carries zod, for its events', async () => {
    expect((await bytesByPackage('full-mirror')).get('zod') ?? 0).toBeGreaterThan(0);
  });
});
