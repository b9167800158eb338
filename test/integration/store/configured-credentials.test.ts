import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../../tools/local/dynamodb-local.js';
import { runMirror } from '../../support/run-cli.js';

// DynamoDB Local as AWS ships it (no -sharedDb) keeps tables per access key and region,
// exactly where a client that ignored the configured credentials would go wrong.
let db: LocalDynamoDb;
beforeAll(async () => {
  db = await startLocalDynamoDb({ sharedDb: false });
});
afterAll(async () => {
  await db.stop();
});

const tablesSeenBy = async (accessKeyId: string) => {
  const client = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey: 'any' },
  });
  return (await client.send(new ListTablesCommand({}))).TableNames ?? [];
};

describe('configured AWS credentials', () => {
  it('are the ones used against a local endpoint, so other tools with them see the same tables', async () => {
    const run = await runMirror(['create-table'], {
      AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
      AWS_ACCESS_KEY_ID: 'foo',
      AWS_SECRET_ACCESS_KEY: 'bar',
      AWS_REGION: 'us-east-1',
      CUSTOMERS_TABLE: 'creds-table',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(await tablesSeenBy('foo')).toEqual(['creds-table']);
    expect(await tablesSeenBy('local')).toEqual([]);
  });

  it('fall back to dummy ones on a loopback endpoint only when none are configured', async () => {
    const run = await runMirror(['create-table'], {
      AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
      CUSTOMERS_TABLE: 'dummy-table',
      // No credentials anywhere: the shared files are pointed at nothing.
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_CONFIG_FILE: '/nonexistent/config',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(await tablesSeenBy('local')).toEqual(['dummy-table']);
  });
});
