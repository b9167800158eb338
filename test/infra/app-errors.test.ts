import { describe, expect, it } from 'vitest';
import { runShell } from '../support/run-cli.js';

describe('the CDK app run without a workspace (what `npm run deploy` runs first)', () => {
  it('prints its one-line message, no stack trace, and exits 1', async () => {
    const run = await runShell('npx tsx infra/app.ts', {});
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'context workspace is required: deploy with `npm run deploy -- -c workspace=acc_…` (your Piriod workspace id); `npm run synth` synthesizes with a placeholder\n',
    );
    expect(run.stdout).toBe('');
  });
});
