import * as z from 'zod/mini';
import { customerRecordSchema, SCHEMA_VERSION } from './record.js';

/** Where the JSON Schema is published: the package's `piriod-mirror/customer.schema.json`. */
export const CUSTOMER_SCHEMA_FILE = 'customer.schema.json';

/**
 * The JSON Schema (draft 2020-12) of one item of the customers table, generated from
 * {@link customerRecordSchema} so the two cannot drift, for readers in other languages and
 * for Glue or Athena. Refinements zod cannot express (UTC timestamps with `Z`) become
 * `format: date-time` with a description; the zod schema stays the stricter one.
 */
export function customerJsonSchema(): Record<string, unknown> {
  // `input`: readers must accept attributes added later, so no `additionalProperties: false`.
  const schema = z.toJSONSchema(customerRecordSchema, { io: 'input' });
  return {
    $schema: schema.$schema,
    title: 'Piriod mirror customer item',
    description: `One item of the customers table (schemaVersion ${SCHEMA_VERSION}); docs/table.md.`,
    ...schema,
  };
}

/** The file's text as `npm run schema` writes it and the package ships it. */
export function customerJsonSchemaText(): string {
  return `${JSON.stringify(customerJsonSchema(), null, 2)}\n`;
}
