import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NO_ACCOUNT_HINT, needsAccount } from '../../infra/app.js';
import { runShell } from '../support/run-cli.js';
import { bundlesContext } from '../support/synth.js';

describe('the CDK app run without a workspace (what `npm run deploy` runs first)', () => {
  it('prints its one-line message, no stack trace, and exits 1', async () => {
    const run = await runShell('npx tsx infra/app.ts', {});
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'context workspace is required: deploy with `npm run deploy -- -c workspace=acc_…` (your Piriod workspace id), or -c workspaces=acc_A,acc_B for several; `npm run synth` synthesizes with a placeholder\n',
    );
    expect(run.stdout).toBe('');
  });
});

const outDirs: string[] = [];
/** A cdk.out of the test's own, removed afterwards. */
function outDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'piriod-mirror-app-'));
  outDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of outDirs) rmSync(dir, { recursive: true, force: true });
});

describe('the CDK app run by `npm run deploy` without AWS credentials', () => {
  it('says how to configure them before the CDK says it cannot resolve an account', async () => {
    // As the CDK CLI runs the app when it found no credentials: the context, no CDK_DEFAULT_ACCOUNT.
    const run = await runShell('npx tsx infra/app.ts', {
      CDK_CONTEXT_JSON: JSON.stringify({ workspace: 'acc_test', ...bundlesContext() }),
      CDK_OUTDIR: outDir(),
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`${NO_ACCOUNT_HINT}\n`);
    expect(NO_ACCOUNT_HINT).toMatch(/aws configure.*aws sso login.*AWS_PROFILE/);
  }, 120_000);

  it('says the same for npm run bootstrap (synthOnly, marked bootstrap), which needs one', () => {
    // The script builds the function bundles the app synthesizes with, then bootstraps.
    const script = JSON.parse(readFileSync('package.json', 'utf8')).scripts.bootstrap as string;
    expect(script).toBe(
      'npm run --silent build:functions && cdk bootstrap -c synthOnly=true -c bootstrap=true',
    );
    const context: Record<string, string> = { synthOnly: 'true', bootstrap: 'true' };
    expect(needsAccount((k) => context[k])).toBe(true);
    expect(needsAccount((k) => ({ synthOnly: 'true' })[k])).toBe(false);
    expect(needsAccount((k) => ({ workspace: 'acc_test' })[k])).toBe(true);
  });

  it('says nothing of the kind for npm run synth (synthOnly), which needs no account', async () => {
    const run = await runShell('npx tsx infra/app.ts', {
      CDK_CONTEXT_JSON: JSON.stringify({ synthOnly: 'true', ...bundlesContext() }),
      CDK_OUTDIR: outDir(),
    });
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('no AWS account');
  }, 120_000);
});

describe('the CDK app run before the function bundles are built', () => {
  it('says to run npm run build, in one line, and exits 1', async () => {
    const run = await runShell('npx tsx infra/app.ts', {
      CDK_CONTEXT_JSON: JSON.stringify({
        synthOnly: 'true',
        'piriod-mirror:functionBundles': outDir(),
      }),
      CDK_OUTDIR: outDir(),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^piriod-mirror: no function bundle at .*index\.mjs: in a clone, run `npm run build` first\n$/,
    );
  }, 120_000);
});
