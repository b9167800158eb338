import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeCustomer } from '../../../lib/customer/normalize.js';
import { seedPageExample } from '../../../tools/sandbox/seed-data.js';

const documented = () =>
  JSON.parse(
    readFileSync(new URL('../../fixtures/piriod/seed-customer.json', import.meta.url), 'utf8'),
  );

describe("the sandbox's first customer (Piriod's documented example)", () => {
  it('has no <string> placeholder, and mirrors without content warnings', () => {
    const seed = seedPageExample(false);
    expect(JSON.stringify(seed)).not.toContain('<string>');
    expect(normalizeCustomer(seed).warnings).toEqual([]);
  });

  it("keeps the documented page's fields and types, field for field", () => {
    const shape = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(shape)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]))
          : typeof v;
    expect(shape(seedPageExample(false))).toEqual(shape(documented()));
  });
});
