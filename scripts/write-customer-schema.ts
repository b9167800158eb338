/**
 * `npm run schema`: writes customer.schema.json (the item's JSON Schema, generated from the
 * zod schema) at the repository's root, where the package ships it from.
 * `test/unit/customer/json-schema.test.ts` fails when the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CUSTOMER_SCHEMA_FILE, customerJsonSchemaText } from '../lib/customer/json-schema.js';

const path = join(import.meta.dirname, '..', CUSTOMER_SCHEMA_FILE);
writeFileSync(path, customerJsonSchemaText());
console.log(`wrote ${CUSTOMER_SCHEMA_FILE}`);
