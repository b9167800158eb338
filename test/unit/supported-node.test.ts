import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/import-graph.js';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  engines: { node: string };
  scripts: Record<string, string>;
};
const readme = read('README.md');

/** A version against one `engines` clause: `^X.Y.Z` (same major, at least X.Y.Z) or `>=X.Y.Z`. */
function satisfies(version: string, range: string): boolean {
  const v = version.replace(/^v/, '').split('.').map(Number);
  const newer = (min: number[]) => {
    for (let i = 0; i < 3; i++)
      if ((v[i] ?? 0) !== (min[i] ?? 0)) return (v[i] ?? 0) > (min[i] ?? 0);
    return true;
  };
  return range.split('||').some((clause) => {
    const m = /^\s*(\^|>=)(\d+)\.(\d+)\.(\d+)\s*$/.exec(clause);
    if (!m) throw new Error(`engines clause ${JSON.stringify(clause)} is not ^X.Y.Z or >=X.Y.Z`);
    const min = [Number(m[2]), Number(m[3]), Number(m[4])];
    return newer(min) && (m[1] === '>=' || v[0] === min[0]);
  });
}

describe('supported Node versions, stated once', () => {
  it('the README table quotes engines exactly', () => {
    const row = /^\| supported \| Node `(.+)` \| `engines` in `package.json` \|$/m.exec(readme);
    expect(row?.[1]?.replaceAll('\\|', '|')).toBe(pkg.engines.node);
  });

  it('engines admits every version CI tests and the Lambda runtime', () => {
    expect(satisfies('20.19.0', pkg.engines.node)).toBe(true);
    expect(satisfies('24.0.0', pkg.engines.node)).toBe(true);
    expect(satisfies('20.18.9', pkg.engines.node)).toBe(false);
    expect(satisfies('21.7.0', pkg.engines.node)).toBe(false);
  });

  it('CI runs the suite on both tested majors, and the stack deploys Node 24', () => {
    const ci = read('.ci/run');
    expect(ci).toMatch(/^npm test$/m);
    expect(ci).toMatch(/^npm run test:node24$/m);
    expect(pkg.scripts['test:node24']).toContain('node@24');
    expect(read('infra/mirror-function.ts')).toContain('Runtime.NODEJS_24_X');
  });

  it('this run itself is on a supported version', () => {
    expect(satisfies(process.version, pkg.engines.node)).toBe(true);
  });
});
