import { describe, expect, it } from 'vitest';
import { PLAYGROUND_COMMANDS } from '../../../tools/cli/playground-hints.js';
import { runNpm } from '../../support/run-cli.js';

describe('npm start without a token', () => {
  it('runs the self-contained demo end to end: DynamoDB Local, sandbox, full mirror, summary, sample queries; hints that lead to npm run dev before the table', async () => {
    const run = await runNpm(['start', '--silent'], {});
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('No PIRIOD_API_TOKEN: running the self-contained demo');
    expect(run.stderr).toMatch(
      /Starting DynamoDB Local \(Java\)… ready on http:\/\/127\.0\.0\.1:\d+/,
    );
    expect(run.stdout).toMatch(
      /^Synced 3000 customers into piriod-customers: 3000 created, 0 updated, 0 unchanged, 0 stale, 0 deleted, 0 failed$/m,
    );
    expect(run.stdout).toMatch(/30 Piriod requests \(0\.010 per customer\)/);
    expect(run.stdout).toContain(
      'get cus_01H8XYZ123ABC → Comercial Ejemplo SpA (Chile), updated 2023-11-07T05:31:56Z',
    );
    // Its DynamoDB Local is stopped when it ends: a hint that reads the table comes after
    // `npm run dev`, under the line that says to paste its exports (dev-exports.test.ts runs
    // those commands against it).
    const hints = run.stdout.slice(run.stdout.indexOf('Go further'));
    expect(hints).toMatch(/^Go further \(this demo stopped its DynamoDB Local/);
    const lines = hints.split('\n');
    const pasted = lines.findIndex((l) => /^ {2}then, in another shell where those lines/.test(l));
    expect(lines.findIndex((l) => /^ {2}npm run dev +#/.test(l))).toBe(pasted - 1);
    const mirrorLines = lines.filter((l) => l.includes('mirror -- '));
    expect(mirrorLines.map((l) => l.trim().split(/ +#/)[0])).toEqual(
      PLAYGROUND_COMMANDS.map((c) => c.command),
    );
    for (const l of mirrorLines) {
      expect(lines.indexOf(l)).toBeGreaterThan(pasted);
      expect(l).toMatch(/^ {4}npm run/);
    }
    // A JVM start and 3,000 writes: give a loaded 2-core CI machine room.
  }, 180_000);
});
