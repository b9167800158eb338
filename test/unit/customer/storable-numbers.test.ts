import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LosslessNumber, parseJsonLosslessly } from '../../../lib/customer/lossless-number.js';
import { normalizeCustomer } from '../../../lib/customer/normalize.js';
import { rejectionOf } from '../../support/customers.js';

const text = readFileSync(
  new URL('../../fixtures/piriod/big-numbers-customer.json', import.meta.url),
  'utf8',
);

describe('numbers JavaScript or DynamoDB cannot hold exactly', () => {
  it('parses integers beyond 2^53 with their exact text, and nothing else differently', () => {
    const parsed = parseJsonLosslessly(text) as Record<string, Record<string, unknown>>;
    expect(parsed.metadata?.erp_id).toEqual(new LosslessNumber('9007199254740993'));
    expect(parsed.metadata?.safe).toBe(9007199254740991);
    expect(parsed.metadata?.huge).toBe(1e300);
    expect(parsed.metadata?.note).toBe('id 12345678901234567890 in text');
    expect(parsed.aggregations?.balance).toBe(-12000);
    const plain = '{"a": [1, -2.5, "9007199254740993"], "b": {"c": 3e5}}';
    expect(parseJsonLosslessly(plain)).toEqual(JSON.parse(plain));
    expect(parseJsonLosslessly('[-90071992547409931]')).toEqual([
      new LosslessNumber('-90071992547409931'),
    ]);
    expect(() => parseJsonLosslessly('{"a": 12345678901234567890')).toThrow(SyntaxError);
  });

  it('stores them as strings in metadata, tax settings and the state id, each counted as a warning', () => {
    const { customer, warnings } = normalizeCustomer(parseJsonLosslessly(text));
    expect(customer.metadata).toEqual({
      erp_id: '9007199254740993',
      huge: '1e+300',
      safe: 9007199254740991,
      note: 'id 12345678901234567890 in text',
    });
    expect(customer.taxSettings).toEqual({ activity_code: 620200, tiny: '1e-200' });
    expect(customer.state?.id).toBe('90071992547409931');
    expect(warnings.map((w) => w.path).sort()).toEqual(
      ['metadata.erp_id', 'metadata.huge', 'state.id', 'taxSettings.tiny'].sort(),
    );
    expect(warnings.find((w) => w.path === 'metadata.erp_id')?.message).toBe(
      'is 9007199254740993, a number DynamoDB cannot hold exactly (beyond ±2^53 or below 1e-130 in magnitude): stored as the string "9007199254740993"',
    );
  });

  it('reports a typed number field it cannot hold with the field path', () => {
    const wire = parseJsonLosslessly(
      text.replace('"sales": 1500000', '"sales": 12345678901234567890'),
    ) as Record<string, unknown>;
    const err = rejectionOf({
      ...wire,
      aggregations: { ...(wire.aggregations as object), balance: 1e300 },
    });
    expect(err.issues).toEqual([
      {
        path: 'aggregations.sales',
        message:
          'is 12345678901234567890, a number DynamoDB cannot hold exactly (beyond ±2^53 or below 1e-130 in magnitude)',
      },
      {
        path: 'aggregations.balance',
        message:
          'is 1e+300, a number DynamoDB cannot hold exactly (beyond ±2^53 or below 1e-130 in magnitude)',
      },
    ]);
  });

  it('reports index keys over DynamoDB’s key size limits with the field path', () => {
    const wire = JSON.parse(text);
    const err = rejectionOf({
      ...wire,
      email: `${'a'.repeat(2100)}@example.com`,
      status: 's'.repeat(2049),
    });
    expect(err.issues.map((i) => i.path)).toEqual(['email', 'status']);
    expect(err.issues[0]?.message).toBe(
      "is 2112 bytes, over DynamoDB's 2048-byte limit for an index key",
    );
  });
});
