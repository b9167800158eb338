import { describe, expect, it } from 'vitest';
import { CUSTOMER_ID_FORM } from '../../../tools/cli/customer-id-args.js';
import { isSetupError } from '../../../tools/cli/entry-point.js';
import { runCli } from '../../../tools/cli/main.js';
import { mirroredPiriod, startCommand } from '../../../tools/cli/start.js';
import { DEV_HELP, dev } from '../../../tools/dev/main.js';
import { captureIo } from '../../support/capture-io.js';

async function run(argv: string[], env: Record<string, string> = {}) {
  const c = captureIo();
  const code = await runCli(argv, env, c.io);
  return { code, out: c.out(), err: c.err() };
}

describe('usage messages say what to fix', () => {
  it('sandbox --customers -5 names the flag and what it accepts, not "ambiguous"', async () => {
    const r = await run(['sandbox', '--customers', '-5']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('piriod-mirror: --customers must be a whole number ≥ 0, got "-5"\n');
  });

  it('a flag value that starts with a dash but is no number still reads as a missing value', async () => {
    const r = await run(['sandbox', '--customers', '--port']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--customers');
  });

  it.each([
    ['request-refresh', ['request-refresh', 'cus_01H8XYZ123ABC']],
    ['replay-changes', ['replay-changes', '--since', '2026-01-01T00:00:00Z']],
  ])(
    '%s without EVENT_BUS_NAME names the EventBusName output and npm run dev',
    async (_n, argv) => {
      const r = await run(argv);
      expect(r.code).toBe(2);
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
      expect(r.err).toContain(
        "EVENT_BUS_NAME is not set: set it to the stack's EventBusName output",
      );
      expect(r.err).toContain('npm run dev');
    },
  );

  it('one bad id reads in the singular, several in the plural', async () => {
    const one = await run(['request-refresh', 'bad id'], { EVENT_BUS_NAME: 'bus' });
    expect(one.code).toBe(2);
    expect(one.err).toBe(
      `piriod-mirror: request-refresh: "bad id" is not a Piriod customer id; ${CUSTOMER_ID_FORM}; nothing was sent\n`,
    );
    const two = await run(['request-refresh', 'bad id', 'cus_ok', '../x'], {
      EVENT_BUS_NAME: 'bus',
    });
    expect(two.err).toContain('2 ids are not Piriod customer ids ("bad id", "../x")');
  });

  it.each([
    ['get', ['get', '../etc'], {}],
    ['refresh', ['refresh', '../etc'], {}],
    ['request-refresh', ['request-refresh', '../etc'], { EVENT_BUS_NAME: 'bus' }],
    ['send-webhook', ['send-webhook', '../etc'], { WEBHOOK_URL: 'http://127.0.0.1:9/' }],
  ])(
    '%s refuses an id that is not a customer id alike: exit 2, one line with the expected form',
    async (command, argv, env) => {
      const r = await run(argv, env);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(
        new RegExp(`^piriod-mirror: ${command}: "\\.\\./etc" is not a Piriod customer id; `),
      );
      expect(r.err).toContain(CUSTOMER_ID_FORM);
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    },
  );
});

describe('npm start with a token', () => {
  it('says which Piriod it mirrors: the real account, a local sandbox, or another URL', () => {
    expect(mirroredPiriod(undefined)).toBe('the real Piriod account');
    expect(mirroredPiriod('http://127.0.0.1:4010')).toBe(
      'the local Piriod sandbox at http://127.0.0.1:4010',
    );
    expect(mirroredPiriod('https://staging.example.com')).toBe(
      'the Piriod API at https://staging.example.com',
    );
  });
});

describe('--help lists the environment variables each command reads', () => {
  it('covers every command', async () => {
    const r = await run(['--help']);
    const listed = [...r.out.matchAll(/^ {2}([a-z][a-z-]+)\b/gm)].map((m) => m[1]);
    expect([...listed].sort()).toEqual(
      [
        'full-mirror',
        'refresh',
        'sync',
        'get',
        'query',
        'create-table',
        'verify',
        'status',
        'request-refresh',
        'replay-changes',
        'doctor',
        'send-webhook',
        'sandbox',
      ].sort(),
    );
  });
  const TABLE = ['CUSTOMERS_TABLE', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_REGION', 'AWS_PROFILE'];
  const PIRIOD = ['PIRIOD_API_TOKEN', 'PIRIOD_WORKSPACE', 'PIRIOD_API_URL', 'PIRIOD_TEST_MODE'];
  const BUS = ['EVENT_BUS_NAME', 'AWS_ENDPOINT_URL_EVENTBRIDGE', 'AWS_REGION', 'AWS_PROFILE'];
  it.each([
    ['full-mirror', [...PIRIOD, ...TABLE]],
    ['refresh', [...PIRIOD, ...TABLE]],
    ['sync', [...PIRIOD, ...TABLE]],
    ['get', TABLE],
    ['query', TABLE],
    ['create-table', TABLE],
    ['verify', [...PIRIOD, ...TABLE]],
    ['status', ['PIRIOD_WORKSPACES', 'PIRIOD_WORKSPACE', 'PIRIOD_TEST_MODE', ...TABLE]],
    ['request-refresh', BUS],
    ['replay-changes', [...BUS, ...TABLE]],
    [
      'doctor',
      ['CUSTOMERS_TABLE', 'EVENT_BUS_NAME', 'WEBHOOK_URL', 'PIRIOD_WEBHOOK_SECRET', 'AWS_REGION'],
    ],
    ['send-webhook', ['WEBHOOK_URL', 'PIRIOD_WEBHOOK_SECRET']],
    ['sandbox', []],
  ])('%s', async (command, variables) => {
    const r = await run([command, '--help']);
    expect(r.code).toBe(0);
    const environment = r.out.slice(r.out.indexOf('\nEnvironment:'));
    expect(environment).toMatch(/^\nEnvironment: /);
    for (const v of variables) expect(environment).toContain(v);
  });
});

describe('npm start and npm run dev have a usage too', () => {
  it('npm start -- --help prints its usage and environment and starts nothing; a stray flag exits 2', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      out: (t: string) => out.push(t),
      err: (t: string) => err.push(t),
      errIsTty: false,
    };
    expect(await startCommand(['--help'], {}, io)).toBe(0);
    expect(out.join('')).toMatch(/^Usage: npm start/);
    expect(out.join('')).toMatch(/\nEnvironment: PIRIOD_API_TOKEN/);
    expect(await startCommand(['--bogus'], {}, io)).toBe(2);
    expect(err.join('')).toMatch(/unknown option '--bogus'/);
    expect(err.join('')).toContain('(see `npm start -- --help`)');
  });

  it('npm run dev -- --help lists the environment it reads', () => {
    expect(DEV_HELP).toMatch(/\nEnvironment: PIRIOD_API_TOKEN/);
  });

  it('npm run dev -- --bogus is a usage error (exit 2) that points to npm run dev -- --help', async () => {
    const c = captureIo();
    const failure = await dev(['--bogus'], {}, c.io).catch((e: unknown) => e);
    expect(isSetupError(failure)).toBe(true);
    expect((failure as Error).message).toBe(
      "dev: unknown option '--bogus' (see `npm run dev -- --help`)",
    );
  });
});

describe('a malformed variable is reported alike by every command: one line naming it, exit 2', () => {
  const maybe = { PIRIOD_TEST_MODE: 'maybe' };
  const line =
    'piriod-mirror: PIRIOD_TEST_MODE must be one of "0", "1", "true", "false" (got "maybe")\n';
  const piriod = { PIRIOD_API_TOKEN: 'sk_test_x', PIRIOD_WORKSPACE: 'acc_x', ...maybe };
  it.each([
    ['doctor', ['doctor'], { CUSTOMERS_TABLE: 't', WEBHOOK_URL: 'http://127.0.0.1:9/', ...piriod }],
    ['verify', ['verify'], piriod],
    ['full-mirror', ['full-mirror'], piriod],
  ])('%s', async (_name, argv, env) => {
    const r = await run(argv, env);
    expect(r).toMatchObject({ code: 2, out: '', err: line });
  });

  it('npm start (the demo, which reads its own sandbox) before it starts anything', async () => {
    const c = captureIo();
    expect(await startCommand([], maybe, c.io)).toBe(2);
    expect(c.err()).toBe(line);
  });
});
