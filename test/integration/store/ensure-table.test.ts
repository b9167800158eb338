import { describe, expect, it } from 'vitest';
import { ensureTable } from '../../../lib/store/create-table.js';
import { createDocumentClient } from '../../../lib/store/dynamodb-client.js';
import { StoreError } from '../../../lib/store/errors.js';
import { startFakeAws } from '../../support/fake-aws.js';

/*
 * ensureTable waits with the SDK's waiter, which retries on any DescribeTable error: the
 * error an operator must see (access denied) must still come out, at once, not as a timeout.
 */
describe('ensureTable on an existing table', () => {
  it('reports a DescribeTable that is denied as itself, not as a table never ACTIVE', async () => {
    const aws = await startFakeAws((r) =>
      r.target === 'DynamoDB_20120810.CreateTable'
        ? {
            status: 400,
            body: {
              __type: 'com.amazonaws.dynamodb.v20120810#ResourceInUseException',
              message: 'Table already exists',
            },
          }
        : {
            status: 400,
            body: {
              __type: 'com.amazon.coral.service#AccessDeniedException',
              message: 'User is not authorized to perform: dynamodb:DescribeTable',
            },
          },
    );
    try {
      const client = createDocumentClient({ endpoint: aws.url, region: 'us-east-1' });
      // A timeout far longer than the suite's: the answer must not wait for it.
      const err = await ensureTable(client, 'customers', { timeoutMs: 600_000 }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StoreError);
      expect((err as Error).message).toMatch(/rejected the AWS credentials/);
      expect((err as Error).message).not.toMatch(/did not become ACTIVE/);
    } finally {
      await aws.close();
    }
  });

  it('waits for an index that is still being built on an ACTIVE table', async () => {
    let describes = 0;
    const aws = await startFakeAws((r) => {
      if (r.target === 'DynamoDB_20120810.CreateTable') {
        return {
          status: 400,
          body: {
            __type: 'com.amazonaws.dynamodb.v20120810#ResourceInUseException',
            message: 'exists',
          },
        };
      }
      describes++;
      const indexStatus = describes < 3 ? 'CREATING' : 'ACTIVE';
      return {
        body: {
          Table: {
            TableName: 'customers',
            TableStatus: 'ACTIVE',
            GlobalSecondaryIndexes: [{ IndexName: 'by-email', IndexStatus: indexStatus }],
          },
        },
      };
    });
    try {
      const client = createDocumentClient({ endpoint: aws.url, region: 'us-east-1' });
      expect(await ensureTable(client, 'customers', { timeoutMs: 30_000 })).toBe('exists');
      expect(describes).toBeGreaterThanOrEqual(3);
    } finally {
      await aws.close();
    }
  });
});
