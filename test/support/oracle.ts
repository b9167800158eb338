import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { normalizeCustomer } from '../../lib/customer/normalize.js';
import type { CustomerRecord, NormalizedCustomer } from '../../lib/customer/record.js';
import { isReservedItemId } from '../../lib/customer/reserved-ids.js';
import type { Sandbox } from '../../tools/sandbox/sandbox-server.js';
import type { TestTable } from './dynamo.js';

const META = [
  'workspace',
  'testMode',
  'versionShard',
  'syncedAt',
  'fetchedAt',
  'syncSource',
  'contentHash',
  'schemaVersion',
];

/**
 * Every customer item of the table, by id. Reserved items (the full-mirror lease) are skipped
 * by their id, as docs/table.md tells downstream readers of the table to do.
 */
export async function scanTable(t: TestTable): Promise<Map<string, CustomerRecord>> {
  const items = new Map<string, CustomerRecord>();
  let start: Record<string, unknown> | undefined;
  do {
    const out = await t.client.send(
      new ScanCommand({ TableName: t.tableName, ExclusiveStartKey: start }),
    );
    for (const item of out.Items ?? []) {
      if (!isReservedItemId(item.id)) items.set(item.id as string, item as CustomerRecord);
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** A stored item without sync metadata: what the oracle compares. */
export function customerPart(record: CustomerRecord): NormalizedCustomer {
  const copy: Record<string, unknown> = { ...record };
  for (const k of [...META, 'deleted', 'deletedAt']) delete copy[k];
  return copy as unknown as NormalizedCustomer;
}

/**
 * The oracle: the sandbox's data, normalized, for every mirrorable customer. Customers that
 * fail normalization are returned separately; they must be reported, not stored.
 */
export function expectedMirror(sandbox: Sandbox): {
  customers: Map<string, NormalizedCustomer>;
  invalid: Set<string>;
} {
  const customers = new Map<string, NormalizedCustomer>();
  const invalid = new Set<string>();
  for (const wire of sandbox.customers()) {
    try {
      const { customer } = normalizeCustomer(structuredClone(wire));
      customers.set(customer.id, customer);
    } catch {
      invalid.add(wire.id);
    }
  }
  return { customers, invalid };
}
