import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../tools/cli/errors.js';
import { hoistWorkspaceFlag, workspaceEnv } from '../../../tools/cli/workspace-flag.js';
import { runCliCaptured } from '../../support/dev-fixture.js';

const TAKES_WORKSPACE = [
  'full-mirror',
  'refresh',
  'sync',
  'verify',
  'request-refresh',
  'send-webhook',
  'doctor',
];

describe('--workspace W, the CLI-wide workspace', () => {
  it('overrides PIRIOD_WORKSPACE and leaves the environment alone without the flag', () => {
    const env = { PIRIOD_WORKSPACE: 'acc_A', PIRIOD_API_TOKEN: 'sk_a' };
    expect(workspaceEnv(undefined, env, 'sync')).toBe(env);
    expect(workspaceEnv('acc_B', env, 'sync')).toEqual({ ...env, PIRIOD_WORKSPACE: 'acc_B' });
  });

  it("takes the workspace's token, webhook secret and mode from the maps of a local several-workspace run", () => {
    const env = {
      PIRIOD_WORKSPACE: 'acc_A',
      PIRIOD_API_TOKEN: 'sk_a',
      PIRIOD_WEBHOOK_SECRET: 'whsecret_a',
      PIRIOD_WORKSPACES: 'acc_A,acc_B:test',
      PIRIOD_API_TOKENS: JSON.stringify({ acc_A: 'sk_a', acc_B: 'sk_b' }),
      PIRIOD_WEBHOOK_SECRETS: JSON.stringify({ acc_A: 'whsecret_a', acc_B: 'whsecret_b' }),
    };
    expect(workspaceEnv('acc_B', env, 'sync')).toMatchObject({
      PIRIOD_WORKSPACE: 'acc_B',
      PIRIOD_API_TOKEN: 'sk_b',
      PIRIOD_WEBHOOK_SECRET: 'whsecret_b',
      PIRIOD_TEST_MODE: 'true',
    });
    expect(() => workspaceEnv('acc_C', env, 'verify')).toThrow(
      'verify: --workspace acc_C is not in PIRIOD_WORKSPACES (acc_A, acc_B)',
    );
  });

  it('refuses a malformed map without showing its value (it holds secrets)', () => {
    const env = { PIRIOD_API_TOKENS: 'sk_live_secret_value' };
    const err = (() => {
      try {
        workspaceEnv('acc_A', env, 'sync');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect(err?.message).toBe('PIRIOD_API_TOKENS must be a JSON object from workspace id to value');
  });

  it('is global: given before the command name, it moves after it', () => {
    expect(hoistWorkspaceFlag(['--workspace', 'acc_B', 'sync', '--json'])).toEqual([
      'sync',
      '--workspace',
      'acc_B',
      '--json',
    ]);
    expect(hoistWorkspaceFlag(['--workspace=acc_B', 'verify'])).toEqual([
      'verify',
      '--workspace=acc_B',
    ]);
    expect(hoistWorkspaceFlag(['get', 'cus_1'])).toEqual(['get', 'cus_1']);
  });

  it.each(TAKES_WORKSPACE)('%s --help lists --workspace', async (command) => {
    const run = await runCliCaptured([command, '--help'], {});
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/--workspace W/);
  });

  it.each(TAKES_WORKSPACE)(
    '%s exits 2 with one clear line when --workspace is not a workspace id',
    async (command) => {
      const args = ['full-mirror', 'sync', 'verify', 'doctor'].includes(command) ? [] : ['cus_1'];
      const run = await runCliCaptured(['--workspace', 'acc B;rm', command, ...args], {
        WEBHOOK_URL: 'http://127.0.0.1:9/',
        CUSTOMERS_TABLE: 'x',
      });
      expect(run.code).toBe(2);
      expect(run.err).toBe(
        `piriod-mirror: ${command}: --workspace must be a Piriod workspace id (acc_…: letters, digits, _ and -), got "acc B;rm"\n`,
      );
    },
  );

  it('is refused by a command that reads every workspace of the table (get), exit 2', async () => {
    const run = await runCliCaptured(['get', 'cus_1', '--workspace', 'acc_A'], {});
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/get: unknown option '--workspace'/);
  });

  it('the CLI help names the global option', async () => {
    const run = await runCliCaptured(['--help'], {});
    expect(run.out).toMatch(/--workspace W +the Piriod workspace/);
  });
});
