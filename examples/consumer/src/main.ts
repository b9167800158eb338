/**
 * A downstream service's use of the mirror through the `piriod-mirror` package: look one
 * customer up by id, and list the active customers changed since an instant. It prints JSON
 * lines, so another program (or test) can read them.
 *
 *   node dist/main.js get cus_01H8XYZ123ABC
 *   node dist/main.js active-since 2026-01-01T00:00:00Z
 *
 * Configuration is the package's: `CUSTOMERS_TABLE`, and the AWS SDK's own region,
 * credentials and `AWS_ENDPOINT_URL_DYNAMODB` (DynamoDB Local).
 */
import {
  CustomerQueries,
  type CustomerRecord,
  createDocumentClient,
  DEFAULT_TABLE_NAME,
  parseCustomerRecord,
  StoreError,
} from 'piriod-mirror';

/** What this service needs of a customer: a few fields, never the whole item. */
interface CustomerSummary {
  id: string;
  name: string;
  status: string | undefined;
  email: string | undefined;
  updated: string | undefined;
  deleted: boolean;
}

function summary(record: CustomerRecord): CustomerSummary {
  return {
    id: record.id,
    name: record.name,
    status: record.status,
    email: record.email,
    updated: record.updated,
    deleted: record.deleted === true,
  };
}

async function main(args: readonly string[]): Promise<number> {
  const customers = new CustomerQueries({
    // AWS settings as usual; AWS_ENDPOINT_URL_DYNAMODB on loopback (DynamoDB Local) needs
    // no region or keys.
    client: createDocumentClient(),
    tableName: process.env.CUSTOMERS_TABLE ?? DEFAULT_TABLE_NAME,
  });
  const [command, value] = args;
  if (command === 'get' && value) {
    const item = await customers.get(value);
    if (!item) {
      console.error(`no customer ${value}`);
      return 1;
    }
    // Items are checked against the published schema before this service relies on them.
    const checked = parseCustomerRecord(item);
    if (!checked.ok) {
      console.error(
        `customer ${value} does not match the item schema: ${checked.issues.join('; ')}`,
      );
      return 1;
    }
    console.log(JSON.stringify(summary(checked.record)));
    return 0;
  }
  if (command === 'active-since' && value) {
    for await (const c of customers.byStatus('active', { updatedAfter: value })) {
      console.log(JSON.stringify(summary(c)));
    }
    return 0;
  }
  console.error('usage: main.js get <customer id> | active-since <ISO instant>');
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // StoreError says what to check (table missing, DynamoDB unreachable, credentials).
    console.error(err instanceof StoreError ? err.message : err);
    process.exitCode = 1;
  },
);
