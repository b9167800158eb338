import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CUSTOMER_SCHEMA_FILE,
  customerJsonSchema,
  customerJsonSchemaText,
} from '../../../lib/customer/json-schema.js';
import { ROOT } from '../../support/import-graph.js';

describe('customer.schema.json', () => {
  it('is what `npm run schema` generates from the zod item schema (run it when this fails)', () => {
    const committed = readFileSync(join(ROOT, CUSTOMER_SCHEMA_FILE), 'utf8');
    expect(committed).toBe(customerJsonSchemaText());
  });

  it('requires the id, the name and the sync metadata, and marks timestamps as date-time', () => {
    const schema = customerJsonSchema() as {
      required: string[];
      properties: Record<string, { format?: string }>;
      additionalProperties?: unknown;
    };
    expect(schema.required).toEqual(
      expect.arrayContaining(['id', 'name', 'workspace', 'syncedAt', 'contentHash']),
    );
    expect(schema.required).not.toContain('email');
    for (const field of ['updated', 'created', 'syncedAt', 'fetchedAt', 'deletedAt']) {
      expect(schema.properties[field]?.format).toBe('date-time');
    }
  });

  it('lets readers accept attributes added in a later schema version', () => {
    expect(customerJsonSchema()).not.toHaveProperty('additionalProperties');
  });
});
