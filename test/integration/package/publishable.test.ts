import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../support/import-graph.js';
import { type PackedPackage, packOnce } from '../../support/offline-install.js';
import { runCommand } from '../../support/run-cli.js';

/** What `npm publish` would upload: the tarball packed once for this run. */

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<
  string,
  unknown
>;
let packed: PackedPackage;

beforeAll(async () => {
  packed = await packOnce();
}, 300_000);

describe('the package, as published', () => {
  it('is not private, and says its licence, repository and keywords', () => {
    // npm 11 publishes a private package's dry run without complaint: check the field itself.
    expect(manifest.private).toBeUndefined();
    expect(manifest.license).toBe('MIT');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    expect(manifest.repository).toMatchObject({
      type: 'git',
      url: expect.stringMatching(/^git\+https:\/\//),
    });
    expect(manifest.keywords).toEqual(expect.arrayContaining(['piriod', 'dynamodb', 'cdk']));
  });

  it('ships the library, the CLI bundle, the JSON Schema, README and LICENSE, and no sources', () => {
    expect(packed.files).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'README.md',
        'package.json',
        'customer.schema.json',
        'bin/piriod-mirror.mjs',
        'dist/library.js',
        'dist/library.d.ts',
        'dist/cli/piriod-mirror.js',
        'dist/cli/THIRD-PARTY-LICENSES.txt',
      ]),
    );
    const sources = packed.files.filter(
      (f) => /^(lib|tools|functions|infra|test|bench|scripts)\//.test(f) || /(?<!\.d)\.ts$/.test(f),
    );
    expect(sources).toEqual([]);
  });

  it('passes npm publish --dry-run', async () => {
    const r = await runCommand('npm', ['publish', '--dry-run', '--offline', packed.tarball], {});
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`+ piriod-mirror@${manifest.version}`);
  });
});
