import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as library from '../../lib/library.js';
import { ROOT } from '../support/import-graph.js';

/** The package's entry, the source `npm run build` compiles to dist/library.js. */
const ENTRY = join(ROOT, 'lib/library.ts');

/** What the entry reaches at run time: own files and the npm packages they import. */
async function importClosure(): Promise<{ files: string[]; packages: string[] }> {
  const out = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  const inputs = out.metafile.inputs;
  const packages = Object.values(inputs)
    .flatMap((i) => i.imports)
    .filter((i) => i.external && !i.path.startsWith('node:'))
    .map((i) => packageName(i.path));
  return { files: Object.keys(inputs).sort(), packages: [...new Set(packages)].sort() };
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  exports: Record<string, unknown>;
};

describe('the piriod-mirror package', () => {
  it('exports the query client, the record schema, index names, event names and isReservedItemId, nothing else', () => {
    expect(Object.keys(library).sort()).toEqual(
      [
        'CUSTOMER_CHANGED',
        'CustomerQueries',
        'DEFAULT_TABLE_NAME',
        'EMAIL_INDEX',
        'EVENT_SOURCE',
        'MIRROR_COMPLETED',
        'MIRROR_FAILED',
        'PARTITION_KEY',
        'REFRESH_REQUESTED',
        'SCHEMA_VERSION',
        'STATUS_INDEX',
        'StoreError',
        'StoreUnavailableError',
        'TAX_ID_INDEX',
        'TableNotFoundError',
        'createDocumentClient',
        'customerRecordSchema',
        'isReservedItemId',
        'parseCustomerRecord',
      ].sort(),
    );
    expect(library.MIRROR_COMPLETED).toBe('Mirror Completed');
    expect(library.MIRROR_FAILED).toBe('Mirror Failed');
    // Consumers that scan the table skip the product's own items with it.
    expect(library.isReservedItemId('status#full-mirror#acc_1')).toBe(true);
    expect(library.isReservedItemId('lease#full-mirror#acc_1')).toBe(true);
    expect(library.isReservedItemId('canary#n1')).toBe(true);
    expect(library.isReservedItemId('cus_01H8XYZ123ABC')).toBe(false);
    expect(library.CUSTOMER_CHANGED).toBe('Customer Changed');
    expect(library.REFRESH_REQUESTED).toBe('Customer Refresh Requested');
    expect(
      [library.EMAIL_INDEX, library.TAX_ID_INDEX, library.STATUS_INDEX].map((i) => i.name),
    ).toEqual(['by-email', 'by-tax-id', 'by-status-updated']);
  });

  it('reaches none of the CDK app, the CLI, the dev runtime, Powertools or the sandbox', async () => {
    const { files, packages } = await importClosure();
    const product = files.filter((f) =>
      /^(infra|functions|bench)\/|^lib\/(cli|dev|sandbox|local|runtime|compose|use-cases|piriod)\//.test(
        f,
      ),
    );
    expect(product).toEqual([]);
    const tools = packages.filter((p) =>
      /^(aws-cdk-lib|constructs|cdk-nag|tsx|@aws-lambda-powertools\/.*|@aws-sdk\/client-(?!dynamodb$).*)$/.test(
        p,
      ),
    );
    expect(tools).toEqual([]);
  });

  it('declares exactly the packages the library imports as its runtime dependencies', async () => {
    const { packages } = await importClosure();
    expect(Object.keys(manifest.dependencies).sort()).toEqual(packages);
  });

  it('keeps the CDK, the CLI and the functions’ packages out of the runtime dependencies', () => {
    for (const dev of ['aws-cdk-lib', 'constructs', 'tsx', '@aws-lambda-powertools/logger']) {
      expect(manifest.dependencies).not.toHaveProperty(dev);
      expect(manifest.devDependencies).toHaveProperty(dev);
    }
  });

  it('exports the built entry with its types, the construct and the JSON Schema', () => {
    expect(manifest.exports).toEqual({
      '.': { types: './dist/library.d.ts', default: './dist/library.js' },
      './cdk': { types: './dist/cdk/infra/index.d.ts', default: './dist/cdk/infra/index.js' },
      './customer.schema.json': './customer.schema.json',
      './package.json': './package.json',
    });
  });
});
