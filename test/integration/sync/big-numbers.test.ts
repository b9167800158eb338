import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PiriodClient } from '../../../lib/piriod/client.js';
import { systemClock } from '../../../lib/ports.js';
import { refreshCustomers } from '../../../lib/use-cases/refresh-customers.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';

// Piriod's own bytes, numbers beyond 2^53 included (the sandbox serializes with
// JSON.stringify and so cannot send them).
const body = readFileSync(
  new URL('../../fixtures/piriod/big-numbers-customer.json', import.meta.url),
  'utf8',
);
let t: TestTable;
let url: string;
let close: () => void;

beforeAll(async () => {
  t = await createTestTable('bignum');
  const server = createServer((req, res) => {
    const ok = req.url === '/customers/cus_BIGNUMBERS01/';
    res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
    res.end(ok ? body : '{"detail": "Not found."}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(async () => {
  close();
  await t.drop();
});

describe('a customer with numbers DynamoDB cannot hold', () => {
  it('is mirrored, with those numbers stored exactly as strings and reported as warnings', async () => {
    const warned: string[] = [];
    const piriod = new PiriodClient({ baseUrl: url, token: 'sk_test_x', workspace: 'acc_x' });
    const run = await refreshCustomers(['cus_BIGNUMBERS01'], {
      piriod,
      store: t.store,
      clock: systemClock,
      workspace: 'acc_x',
      source: 'cli',
      onWarnings: (_id, warnings) => warned.push(...warnings.map((w) => w.path)),
    });
    expect(run.summary).toMatchObject({ created: 1, failed: [] });
    const item = (
      await t.client.send(
        new GetCommand({ TableName: t.tableName, Key: { id: 'cus_BIGNUMBERS01' } }),
      )
    ).Item;
    expect(item?.metadata).toEqual({
      erp_id: '9007199254740993',
      huge: '1e+300',
      safe: 9007199254740991,
      note: 'id 12345678901234567890 in text',
    });
    expect(item?.state?.id).toBe('90071992547409931');
    expect(warned.sort()).toEqual(
      ['metadata.erp_id', 'metadata.huge', 'state.id', 'taxSettings.tiny'].sort(),
    );
  });
});
