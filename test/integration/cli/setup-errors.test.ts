import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CustomerQueries, createDocumentClient } from '../../../lib/library.js';
import { DYNAMODB_LOCAL_HINT } from '../../../lib/store/errors.js';
import { runCli } from '../../../tools/cli/main.js';
import { start } from '../../../tools/cli/start.js';
import { freePort } from '../../../tools/local/dynamodb-local.js';
import { captureIo } from '../../support/capture-io.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';

/**
 * A machine with no AWS set-up at all. The SDK reads its region and credential chains from
 * `process.env`, not from the env a command is given, so the process's own is cleared. No
 * call may reach the network: the shared files point nowhere and instance metadata is off.
 */
function noAwsSetup(): void {
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('AWS_')) vi.stubEnv(name, undefined);
  }
  vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/piriod-mirror-test/config');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/piriod-mirror-test/credentials');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
}

const piriod = {
  PIRIOD_API_TOKEN: 'sk_test_setup_errors',
  PIRIOD_WORKSPACE: 'acc_setup',
  // Never reached: the table check comes first and fails.
  PIRIOD_API_URL: 'http://127.0.0.1:9',
};

async function run(argv: string[], env: Record<string, string>) {
  const c = captureIo();
  const code = await runCli(argv, env, c.io);
  return { code, out: c.out(), err: c.err() };
}

const oneLine = (text: string) => text.trimEnd().split('\n');

beforeEach(noAwsSetup);
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('no AWS region configured', () => {
  const commands: [string, string[], Record<string, string>][] = [
    ['get', ['get', 'cus_01H8XYZ123ABC'], {}],
    ['query', ['query', '--status', 'active'], {}],
    ['create-table', ['create-table'], {}],
    ['sync', ['sync'], piriod],
    ['request-refresh', ['request-refresh', 'cus_01H8XYZ123ABC'], { EVENT_BUS_NAME: 'bus' }],
  ];
  it.each(commands)('%s exits 2 with one line naming AWS_REGION', async (_name, argv, env) => {
    const r = await run(argv, env);
    expect(r.code).toBe(2);
    expect(oneLine(r.err)).toHaveLength(1);
    expect(r.err).toContain('no AWS region is configured: set AWS_REGION');
    expect(r.err).not.toContain('Region is missing');
    expect(r.out).toBe('');
  });

  it('get points a local run at the export lines of npm run dev, not a port nothing listens on', async () => {
    const r = await run(['get', 'cus_01H8XYZ123ABC'], {});
    expect(r.err).toContain(DYNAMODB_LOCAL_HINT);
    expect(r.err).toContain('npm run --silent dev');
    expect(r.err).not.toMatch(/127\.0\.0\.1:\d+/);
  });

  it('npm start with a token exits 2 with one line naming AWS_REGION', async () => {
    const c = captureIo();
    const code = await start(piriod, c.io);
    expect(code).toBe(2);
    const errors = oneLine(c.err()).filter((l) => l.startsWith('piriod-mirror:'));
    expect(errors).toEqual([expect.stringContaining('set AWS_REGION')]);
    // A token with a loopback PIRIOD_API_URL is a sandbox, not "the real Piriod account".
    expect(c.err()).toContain(
      'PIRIOD_API_TOKEN is set: mirroring the local Piriod sandbox at http://127.0.0.1:9.\n',
    );
  });
});

describe('no AWS credentials configured', () => {
  it('says none were found and where the SDK looked, exit 2, not that they were rejected', async () => {
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    const r = await run(['get', 'cus_01H8XYZ123ABC'], {});
    expect(r.code).toBe(2);
    expect(oneLine(r.err)).toHaveLength(1);
    expect(r.err).toContain('no AWS credentials were found');
    for (const place of ['AWS_ACCESS_KEY_ID', '~/.aws/credentials', '~/.aws/config', 'AWS_PROFILE'])
      expect(r.err).toContain(place);
    expect(r.err).not.toMatch(/rejected|CredentialsProviderError/);
  });

  it('request-refresh says the same about the bus, exit 2', async () => {
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    const r = await run(['request-refresh', 'cus_01H8XYZ123ABC'], { EVENT_BUS_NAME: 'bus' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('no AWS credentials were found');
  });
});

describe('a local endpoint in AWS_ENDPOINT_URL_DYNAMODB', () => {
  let t: TestTable;
  beforeAll(async () => {
    t = await createTestTable('setup');
  });
  afterAll(async () => {
    await t.drop();
  });

  describe('Piriod unreachable', () => {
    const unreachable = async (url: string, argv: string[]) => {
      vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', t.endpoint);
      const env = {
        ...piriod,
        PIRIOD_API_URL: url,
        PIRIOD_MAX_ATTEMPTS: '1',
        CUSTOMERS_TABLE: t.tableName,
        AWS_ENDPOINT_URL_DYNAMODB: t.endpoint,
      };
      return run(argv, env);
    };
    const cases: [string, string[]][] = [
      ['sync', ['sync']],
      ['sync ID', ['sync', 'cus_01H8XYZ123ABC']],
      ['verify', ['verify']],
    ];
    it.each(cases)('%s: connection refused exits 2 naming PIRIOD_API_URL', async (_n, argv) => {
      const r = await unreachable(`http://127.0.0.1:${await freePort()}`, argv);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/ECONNREFUSED.*check PIRIOD_API_URL/);
    });

    it('a TLS failure (https:// to a plain-HTTP server) exits 2 naming PIRIOD_API_URL', async () => {
      const plain = createServer((_req, res) => res.end('{}'));
      await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = plain.address() as AddressInfo;
        const r = await unreachable(`https://127.0.0.1:${port}`, ['sync']);
        expect(r.code).toBe(2);
        expect(r.err).toMatch(
          /cannot reach Piriod at https:\/\/127\.0\.0\.1.*check PIRIOD_API_URL/,
        );
      } finally {
        await new Promise((resolve) => plain.close(resolve));
      }
    });
  });

  it('createDocumentClient() needs no region or keys with a loopback AWS_ENDPOINT_URL_DYNAMODB', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', t.endpoint);
    const queries = new CustomerQueries({ client: createDocumentClient(), tableName: t.tableName });
    expect(await queries.get('cus_absent')).toBeUndefined();
  });

  describe('query --status', () => {
    const table = () => ({ CUSTOMERS_TABLE: t.tableName, AWS_ENDPOINT_URL_DYNAMODB: t.endpoint });

    it('a status Piriod does not use, with no rows, exits 2 listing the statuses', async () => {
      const r = await run(['query', '--status', 'nonsense'], table());
      expect(r.code).toBe(2);
      expect(r.err).toBe(
        'piriod-mirror: query: no customer has status "nonsense"; Piriod\'s statuses are active, archived, pending\n',
      );
    });

    it('a known status with no rows is an empty answer, exit 0', async () => {
      const r = await run(['query', '--status', 'archived'], table());
      expect(r).toEqual({ code: 0, out: '', err: '' });
    });
  });
});
