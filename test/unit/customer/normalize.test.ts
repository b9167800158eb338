import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentHash } from '../../../lib/customer/content-hash.js';
import { normalizeCustomer } from '../../../lib/customer/normalize.js';
import { parseCustomerRecord } from '../../../lib/customer/record.js';
import { rejectionOf } from '../../support/customers.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/piriod/${name}`, import.meta.url), 'utf8'));

describe('normalizeCustomer on the API page example', () => {
  const { customer, warnings } = normalizeCustomer(fixture('seed-customer.json'));

  it('maps every documented field to camelCase', () => {
    expect(customer).toEqual({
      id: 'cus_01H8XYZ123ABC',
      name: '<string>',
      address: '<string>',
      country: { id: 'CL', name: 'Chile', code: '+56', hasRegulation: true, currencies: ['CLP'] },
      state: { id: 123, name: '<string>', country: 'CL' },
      currency: 'CLP',
      email: 'jsmith@example.com',
      phone: '<string>',
      website: '<string>',
      zipCode: '<string>',
      manager: '<string>',
      reference: '<string>',
      taxId: '<string>',
      taxSettings: {},
      metadata: {},
      sendInvoices: true,
      sendCollections: true,
      sendVouchers: true,
      status: 'active',
      contacts: [
        {
          id: 'con_01H8XYZ123ABC',
          name: '<string>',
          email: 'jsmith@example.com',
          orgunit: '<string>',
          phone: '<string>',
          invoicing: true,
          collections: true,
          created: '2023-11-07T05:31:56Z',
          updated: '2023-11-07T05:31:56Z',
        },
      ],
      sources: ['<string>'],
      aggregations: { sales: 123, salesCurrentPeriod: 123, balance: 123 },
      created: '2023-11-07T05:31:56Z',
      updated: '2023-11-07T05:31:56Z',
    });
  });

  it('keeps a placeholder website but counts it as a warning', () => {
    expect(warnings).toEqual([{ path: 'website', message: 'is not an absolute URI' }]);
  });

  it("leaves Piriod's test_mode out, whatever its value: the mirror's configuration sets the mode", () => {
    expect(customer).not.toHaveProperty('testMode');
    const odd = normalizeCustomer({ id: 'cus_ODDMODE', name: 'Modo SpA', test_mode: 'yes' });
    expect(odd.customer).toEqual({ id: 'cus_ODDMODE', name: 'Modo SpA' });
  });
});

describe('normalizeCustomer on older and messier shapes', () => {
  const { customer, warnings } = normalizeCustomer(fixture('older-shape-customer.json'));

  it('trims strings and drops empty strings and nulls', () => {
    expect(customer.id).toBe('cus_OLDSHAPE0001');
    expect(customer.name).toBe('Inversiones Rojas SpA');
    for (const key of ['phone', 'website', 'zipCode', 'manager', 'reference'] as const) {
      expect(customer).not.toHaveProperty(key);
    }
    expect(customer.contacts?.[0]).not.toHaveProperty('orgunit');
    expect(customer.contacts?.[0]).not.toHaveProperty('phone');
  });

  it('lower-cases emails and upper-cases country, currency and state country codes', () => {
    expect(customer.email).toBe('facturacion@rojas.cl');
    expect(customer.contacts?.[0]?.email).toBe('camila@rojas.cl');
    expect(customer.country?.id).toBe('CL');
    expect(customer.currency).toBe('CLP');
  });

  it('maps the older country shape (phone_code) and keeps a string state id', () => {
    expect(customer.country).toEqual({ id: 'CL', name: 'Chile', code: '+56', hasRegulation: true });
    expect(customer.state).toEqual({ id: 'USAZ', name: 'Arizona' });
  });

  it('converts every timestamp to UTC with Z, keeping up to microseconds', () => {
    expect(customer.created).toBe('2020-10-15T16:26:15.356289Z');
    expect(customer.updated).toBe('2021-03-01T03:30:00.123456Z');
    expect(customer.contacts?.[0]?.updated).toBe('2020-10-15T13:26:15Z');
  });

  it('ignores unknown wire fields', () => {
    expect(customer).not.toHaveProperty('unknown_future_field');
    expect(customer).not.toHaveProperty('unknownFutureField');
    expect(warnings).toEqual([]);
  });

  it('keeps a numeric state id as a number', () => {
    const wire = {
      ...fixture('older-shape-customer.json'),
      state: { id: 13, name: 'RM', country: 'cl' },
    };
    expect(normalizeCustomer(wire).customer.state).toEqual({ id: 13, name: 'RM', country: 'CL' });
  });
});

describe('normalizeCustomer leniency on content rules', () => {
  it('keeps over-long fields, bad emails and unknown statuses, counting each as a warning', () => {
    const wire = {
      ...fixture('seed-customer.json'),
      website: 'https://example.com',
      name: 'x'.repeat(150),
      email: 'not-an-email',
      status: 'suspended',
    };
    const { customer, warnings } = normalizeCustomer(wire);
    expect(customer.name).toHaveLength(150);
    expect(customer.status).toBe('suspended');
    expect(warnings.map((w) => w.path).sort()).toEqual(['email', 'name', 'status']);
  });
});

describe('normalizeCustomer rejections', () => {
  it('rejects a customer without id or name, naming both', () => {
    const err = rejectionOf({ address: 'x' });
    expect(err.issues).toEqual([
      { path: 'id', message: 'is required' },
      { path: 'name', message: 'is required' },
    ]);
    expect(err.customerId).toBeUndefined();
  });

  it('lists every failing field path with the wrong type it found', () => {
    const wire = {
      ...fixture('seed-customer.json'),
      send_invoices: 'yes',
      aggregations: { sales: '12', sales_current_period: 1, balance: 1 },
      contacts: [{ id: 'con_1', invoicing: 1 }],
      state: true,
    };
    const err = rejectionOf(wire);
    expect(err.customerId).toBe('cus_01H8XYZ123ABC');
    const paths = err.issues.map((i) => i.path).sort();
    expect(paths).toEqual(['aggregations.sales', 'contacts.0.invoicing', 'send_invoices', 'state']);
    expect(err.issues.find((i) => i.path === 'send_invoices')?.message).toBe(
      'expected boolean, got string',
    );
    expect(err.message).toContain('cus_01H8XYZ123ABC');
  });

  it('rejects unparseable timestamps with their paths', () => {
    const wire = { ...fixture('seed-customer.json'), updated: 'last tuesday' };
    wire.contacts[0].created = '2023-02-30T00:00:00Z';
    const err = rejectionOf(wire);
    expect(err.issues.map((i) => i.path)).toEqual(['contacts.0.created', 'updated']);
  });

  it('rejects an empty name after trimming', () => {
    expect(rejectionOf({ id: 'cus_1', name: '   ' }).issues).toEqual([
      { path: 'name', message: 'is empty' },
    ]);
  });

  it('rejects records too large for a DynamoDB item', () => {
    const err = rejectionOf({ id: 'cus_big', name: 'Big', address: 'x'.repeat(1_000_000) });
    expect(err.issues[0]?.path).toBe('(customer)');
    expect(err.issues[0]?.message).toMatch(/over the .* DynamoDB item/);
  });

  it('rejects metadata nested deeper than DynamoDB allows', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 40; i++) deep = { nested: deep };
    expect(rejectionOf({ id: 'cus_deep', name: 'Deep', metadata: deep }).issues[0]?.path).toBe(
      'metadata',
    );
  });

  it('rejects lone surrogates that cannot be stored as UTF-8', () => {
    expect(rejectionOf({ id: 'cus_u', name: 'bad \ud800 text' }).issues).toEqual([
      { path: 'name', message: 'contains a lone UTF-16 surrogate (not valid UTF-8)' },
    ]);
  });
});

describe('contentHash', () => {
  const { customer } = normalizeCustomer(fixture('seed-customer.json'));

  it('does not depend on key order', () => {
    const reversed = Object.fromEntries(Object.entries(customer).reverse()) as typeof customer;
    expect(contentHash(reversed)).toBe(contentHash(customer));
  });

  it('is the same for the same content fetched twice', () => {
    const again = normalizeCustomer(fixture('seed-customer.json')).customer;
    expect(contentHash(again)).toBe(contentHash(customer));
  });

  it('changes when any field changes', () => {
    expect(contentHash({ ...customer, phone: '+56 9 1234' })).not.toBe(contentHash(customer));
    expect(contentHash({ ...customer, metadata: { a: 1 } })).not.toBe(contentHash(customer));
  });
});

describe('customerRecordSchema', () => {
  const { customer } = normalizeCustomer(fixture('older-shape-customer.json'));
  const meta = {
    workspace: 'acc_1',
    versionShard: 'acc_1#0a',
    syncedAt: '2026-01-01T00:00:00.000Z',
    fetchedAt: '2026-01-01T00:00:00.000Z',
    syncSource: 'cli',
    contentHash: contentHash(customer),
    schemaVersion: 1,
  };

  it('accepts a normalized customer with its sync metadata', () => {
    expect(parseCustomerRecord({ ...customer, ...meta })).toMatchObject({ ok: true });
  });

  it('rejects nulls, empty strings, local-offset timestamps and unknown sources, by path', () => {
    const r = parseCustomerRecord({
      ...customer,
      ...meta,
      phone: null,
      email: '',
      updated: '2021-03-01T09:00:00+05:30',
      syncSource: 'cron',
    });
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.issues.map((i) => i.split(':')[0]).sort()).toEqual([
      'email',
      'phone',
      'syncSource',
      'updated',
    ]);
  });
});
