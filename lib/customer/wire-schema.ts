import * as z from 'zod/mini';

/*
 * The customer as Piriod sends it (snake_case). Structure is strict — every field must have
 * the right type — but nullability is undocumented, so every field but `id` and `name`
 * accepts null or absence. Content rules Piriod enforces itself (lengths, formats, enum
 * values) are deliberately not here: see `content-warnings.ts`. `zod/mini` keeps the
 * Lambda bundles small; unknown keys are stripped, never fatal.
 */

const maybe = <T extends z.core.SomeType>(schema: T) => z.optional(z.nullable(schema));
const text = maybe(z.string());
const flag = maybe(z.boolean());
const amount = maybe(z.number());
const jsonObject = maybe(z.record(z.string(), z.unknown()));

/** Current shape `{id, name, code, has_regulation, currencies}` and the older one with `phone_code`. */
const wireCountrySchema = z.object({
  id: text,
  name: text,
  name_en: text,
  code: text,
  phone_code: text,
  has_regulation: flag,
  currencies: maybe(z.array(z.string())),
});

/** Current shape `{id: 123, name, country}` and the older `{id: "USAZ", code, name}`. */
const wireStateSchema = z.object({
  id: maybe(z.union([z.string(), z.number()])),
  name: text,
  code: text,
  country: text,
});

const wireContactSchema = z.object({
  id: text,
  name: text,
  email: text,
  phone: text,
  orgunit: text,
  customer: text,
  invoicing: flag,
  collections: flag,
  created: text,
  updated: text,
});

const wireAggregationsSchema = z.object({
  sales: amount,
  sales_current_period: amount,
  balance: amount,
});

/** A customer from `GET /customers/{id}/` or one entry of a `GET /customers/` page. */
export const wireCustomerSchema = z.object({
  id: z.string(),
  name: z.string(),
  address: text,
  // Some serializers send a bare primary key instead of the nested object.
  country: maybe(z.union([z.string(), wireCountrySchema])),
  state: maybe(z.union([z.string(), z.number(), wireStateSchema])),
  currency: text,
  email: text,
  phone: text,
  website: text,
  zip_code: text,
  manager: text,
  reference: text,
  tax_id: text,
  tax_settings: jsonObject,
  metadata: jsonObject,
  send_invoices: flag,
  send_collections: flag,
  send_vouchers: flag,
  status: text,
  contacts: maybe(z.array(wireContactSchema)),
  sources: maybe(z.array(z.string())),
  aggregations: maybe(wireAggregationsSchema),
  // `test_mode` is deliberately absent (stripped like any unknown key): the mode an item is
  // mirrored in comes from the mirror's configuration, never from the wire (docs/table.md).
  created: text,
  updated: text,
});

/** A customer as parsed from the wire, before normalization. */
export type WireCustomer = z.infer<typeof wireCustomerSchema>;
