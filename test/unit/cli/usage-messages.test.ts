import { describe, expect, it } from 'vitest';
import { runCli } from '../../../tools/cli/main.js';
import { mirroredPiriod, startCommand } from '../../../tools/cli/start.js';
import { DEV_HELP } from '../../../tools/dev/main.js';
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
    expect(one.err).toContain('1 id is not a Piriod customer id ("bad id"); nothing was sent');
    const two = await run(['request-refresh', 'bad id', 'cus_ok', '../x'], {
      EVENT_BUS_NAME: 'bus',
    });
    expect(two.err).toContain('2 ids are not Piriod customer ids ("bad id", "../x")');
  });
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
  });

  it('npm run dev -- --help lists the environment it reads', () => {
    expect(DEV_HELP).toMatch(/\nEnvironment: PIRIOD_API_TOKEN/);
  });
});
