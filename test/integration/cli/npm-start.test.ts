import { describe, expect, it } from 'vitest';
import { runNpm } from '../../support/run-cli.js';

describe('npm start without a token', () => {
  it('runs the self-contained demo end to end: DynamoDB Local, sandbox, full mirror, summary, sample queries', async () => {
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
    expect(run.stdout).toContain('Go further:');
    // A JVM start and 3,000 writes: give a loaded 2-core CI machine room.
  }, 180_000);
});
