import { pick, seededRandom } from './prng.js';

/** A customer as the sandbox stores and serves it: Piriod's snake_case wire shape. */
export type SandboxCustomer = Record<string, unknown> & { id: string; updated: string };

/**
 * The example of Piriod's "Retrieve customer" page, field for field, with its `<string>`
 * placeholders given plausible values (a newcomer's first `get` would otherwise show a name
 * of `<string>`, which reads as a bug): the first customer of every sandbox, so the
 * documented shape is always exercised. The verbatim page is `test/fixtures/piriod/seed-customer.json`.
 */
export function seedPageExample(testMode: boolean): SandboxCustomer {
  return {
    name: 'Comercial Ejemplo SpA',
    address: 'Av. Apoquindo 4501, Las Condes',
    country: { id: 'CL', name: 'Chile', code: '+56', has_regulation: true, currencies: ['CLP'] },
    state: { id: 123, name: 'Región Metropolitana', country: 'CL' },
    id: 'cus_01H8XYZ123ABC',
    currency: 'CLP',
    email: 'jsmith@example.com',
    phone: '+56 2 2345 6789',
    website: 'https://example.com',
    zip_code: '7550000',
    manager: 'Jane Smith',
    reference: 'docs-example',
    tax_id: '76.123.456-0',
    tax_settings: {},
    metadata: {},
    send_invoices: true,
    send_collections: true,
    send_vouchers: true,
    status: 'active',
    contacts: [
      {
        name: 'Jane Smith',
        email: 'jsmith@example.com',
        id: 'con_01H8XYZ123ABC',
        customer: 'cus_01H8XYZ123ABC',
        orgunit: 'Billing',
        phone: '+56 9 8765 4321',
        invoicing: true,
        collections: true,
        created: '2023-11-07T05:31:56Z',
        updated: '2023-11-07T05:31:56Z',
      },
    ],
    sources: ['api'],
    aggregations: { sales: 123, sales_current_period: 123, balance: 123 },
    test_mode: testMode,
    created: '2023-11-07T05:31:56Z',
    updated: '2023-11-07T05:31:56Z',
  };
}

interface CountrySeed {
  country: Record<string, unknown>;
  currency: string;
  states: { id: number; name: string }[];
  cities: string[];
  streets: string[];
  zip: (r: () => number) => string;
  taxId: (r: () => number) => string;
  phone: (r: () => number) => string;
  domain: string;
}

const digits = (r: () => number, n: number) =>
  Array.from({ length: n }, () => Math.floor(r() * 10)).join('');

function rut(r: () => number): string {
  const body = String(10_000_000 + Math.floor(r() * 15_000_000));
  let sum = 0;
  let factor = 2;
  for (let i = body.length - 1; i >= 0; i--) {
    sum += Number(body[i]) * factor;
    factor = factor === 7 ? 2 : factor + 1;
  }
  const dv = 11 - (sum % 11);
  return `${body}-${dv === 11 ? '0' : dv === 10 ? 'K' : dv}`;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const letters = (r: () => number, n: number) =>
  Array.from({ length: n }, () => pick(r, [...LETTERS])).join('');

const COUNTRIES: CountrySeed[] = [
  {
    country: { id: 'CL', name: 'Chile', code: '+56', has_regulation: true, currencies: ['CLP'] },
    currency: 'CLP',
    states: [
      { id: 13, name: 'Región Metropolitana de Santiago' },
      { id: 5, name: 'Valparaíso' },
      { id: 8, name: 'Biobío' },
    ],
    cities: ['Santiago', 'Providencia', 'Las Condes', 'Viña del Mar', 'Concepción'],
    streets: ['Av. Apoquindo', 'Av. Providencia', 'Calle Huérfanos', 'Av. Libertad'],
    zip: (r) => digits(r, 7),
    taxId: rut,
    phone: (r) => `+569${digits(r, 8)}`,
    domain: 'cl',
  },
  {
    country: { id: 'MX', name: 'México', code: '+52', has_regulation: true, currencies: ['MXN'] },
    currency: 'MXN',
    states: [
      { id: 9, name: 'Ciudad de México' },
      { id: 14, name: 'Jalisco' },
      { id: 19, name: 'Nuevo León' },
    ],
    cities: ['Ciudad de México', 'Guadalajara', 'Monterrey', 'Puebla'],
    streets: ['Paseo de la Reforma', 'Av. Insurgentes Sur', 'Av. Chapultepec', 'Calle Madero'],
    zip: (r) => digits(r, 5),
    taxId: (r) => `${letters(r, 3)}${digits(r, 6)}${letters(r, 1)}${digits(r, 2)}`,
    phone: (r) => `+5255${digits(r, 8)}`,
    domain: 'mx',
  },
  {
    country: { id: 'CO', name: 'Colombia', code: '+57', has_regulation: true, currencies: ['COP'] },
    currency: 'COP',
    states: [
      { id: 11, name: 'Bogotá D.C.' },
      { id: 5, name: 'Antioquia' },
      { id: 76, name: 'Valle del Cauca' },
    ],
    cities: ['Bogotá', 'Medellín', 'Cali', 'Barranquilla'],
    streets: ['Carrera 7', 'Calle 72', 'Av. El Poblado', 'Carrera 15'],
    zip: (r) => digits(r, 6),
    taxId: (r) => `${900_000_000 + Math.floor(r() * 99_999_999)}-${Math.floor(r() * 10)}`,
    phone: (r) => `+573${digits(r, 9)}`,
    domain: 'co',
  },
  {
    country: {
      id: 'US',
      name: 'United States',
      code: '+1',
      has_regulation: false,
      currencies: ['USD'],
    },
    currency: 'USD',
    states: [
      { id: 5, name: 'California' },
      { id: 33, name: 'New York' },
      { id: 44, name: 'Texas' },
    ],
    cities: ['San Francisco', 'New York', 'Austin', 'Seattle'],
    streets: ['Market St', 'Broadway', 'Congress Ave', 'Pine St'],
    zip: (r) => digits(r, 5),
    taxId: (r) => `${digits(r, 2)}-${digits(r, 7)}`,
    phone: (r) => `+1415${digits(r, 7)}`,
    domain: 'com',
  },
];

const FIRST = [
  'Camila',
  'Mateo',
  'Valentina',
  'Santiago',
  'Sofía',
  'Diego',
  'Isabella',
  'Lucas',
  'Martina',
  'Benjamín',
  'Emma',
  'Joaquín',
  'Olivia',
  'Tomás',
  'Renata',
  'James',
  'Ava',
];
const LAST = [
  'González',
  'Muñoz',
  'Rojas',
  'Díaz',
  'Pérez',
  'Hernández',
  'García',
  'López',
  'Martínez',
  'Rodríguez',
  'Gómez',
  'Smith',
  'Johnson',
  'Torres',
  'Vargas',
];
const COMPANY = [
  'Comercial',
  'Inversiones',
  'Servicios',
  'Distribuidora',
  'Tecnologías',
  'Constructora',
  'Logística',
  'Consultores',
  'Alimentos',
  'Software',
];
const SUFFIX = { CL: 'SpA', MX: 'S.A. de C.V.', CO: 'S.A.S.', US: 'LLC' } as Record<string, string>;
const PLAN = ['starter', 'growth', 'enterprise'];

const BASE_TIME = Date.UTC(2021, 0, 4, 12, 0, 0);

/**
 * Deterministic, realistic customers (Chilean, Mexican, Colombian and US companies, with
 * contacts, metadata and valid-looking tax ids). The shapes vary the way real Piriod
 * responses do: older `country` and `state` shapes, empty strings, timestamps with
 * microseconds and local offsets. The first customer is the API page's example.
 */
export function generateCustomers(
  count: number,
  options: { seed?: number; testMode?: boolean } = {},
): SandboxCustomer[] {
  const testMode = options.testMode ?? false;
  const r = seededRandom(options.seed ?? 42);
  const out: SandboxCustomer[] = [];
  if (count > 0) out.push(seedPageExample(testMode));
  for (let i = 1; i < count; i++) out.push(generateCustomer(i, r, testMode));
  return out;
}

/** Formats an instant the way some Piriod responses do, varied by `style`. */
function wireTimestamp(ms: number, style: number): string {
  const iso = new Date(ms).toISOString();
  if (style % 3 === 0) return `${iso.slice(0, 19)}Z`;
  if (style % 3 === 1) {
    // Local Chilean time (-03:00) with microseconds, as older responses show.
    const local = new Date(ms - 3 * 3_600_000).toISOString();
    const micros = String((ms % 1000) * 1000 + (style % 997)).padStart(6, '0');
    return `${local.slice(0, 19)}.${micros}-03:00`;
  }
  return iso;
}

/** Builds customer number `i`; `r` drives every choice so runs repeat. */
export function generateCustomer(i: number, r: () => number, testMode: boolean): SandboxCustomer {
  const c = pick(r, COUNTRIES);
  const countryId = c.country.id as string;
  const company = `${pick(r, COMPANY)} ${pick(r, LAST)} ${SUFFIX[countryId]}`;
  const slug = company
    .normalize('NFD')
    .replace(/[^A-Za-z ]/g, '')
    .toLowerCase()
    .split(' ')
    .slice(0, 2)
    .join('');
  const domain = `${slug}${i}.${c.domain}`;
  const st = pick(r, c.states);
  const createdMs = BASE_TIME + i * 3_600_000 + Math.floor(r() * 3_000_000);
  const updatedMs = createdMs + Math.floor(r() * 400 * 86_400_000);
  const contactCount = Math.floor(r() * 3);
  const contacts = Array.from({ length: contactCount }, (_, k) => {
    const first = pick(r, FIRST);
    const last = pick(r, LAST);
    const user = `${first}.${last}`
      .normalize('NFD')
      .replace(/[^A-Za-z.]/g, '')
      .toLowerCase();
    return {
      id: `con_${idPart(r)}`,
      name: `${first} ${last}`,
      email: k === 0 && i % 9 === 0 ? ` ${user.toUpperCase()}@${domain} ` : `${user}@${domain}`,
      customer: '',
      orgunit: pick(r, ['Finanzas', 'Contabilidad', 'Operaciones', 'Finance', '']),
      phone: i % 5 === 0 ? '' : c.phone(r),
      invoicing: k === 0,
      collections: r() < 0.5,
      created: wireTimestamp(createdMs + k * 60_000, i + k),
      updated: wireTimestamp(updatedMs, i + k),
    };
  });
  const sales = Math.floor(r() * 50_000_000);
  const customer: SandboxCustomer = {
    id: `cus_${idPart(r)}`,
    name: company,
    address: `${pick(r, c.streets)} ${100 + Math.floor(r() * 9000)}, ${pick(r, c.cities)}`,
    country: c.country,
    state: { id: st.id, name: st.name, country: countryId },
    currency: c.currency,
    email: i % 9 === 0 ? ` Billing@${domain.toUpperCase()} ` : `billing@${domain}`,
    phone: i % 5 === 0 ? '' : c.phone(r),
    website: i % 4 === 0 ? null : `https://www.${domain}`,
    zip_code: i % 6 === 0 ? null : c.zip(r),
    manager: pick(r, [...FIRST.map((f) => `${f} ${pick(r, LAST)}`), '', null]),
    reference: i % 3 === 0 ? `ERP-${digits(r, 6)}` : null,
    tax_id: c.country.has_regulation || i % 2 === 0 ? c.taxId(r) : null,
    tax_settings: countryId === 'CL' ? { activity: pick(r, ['Servicios', 'Comercio']) } : {},
    metadata: i % 2 === 0 ? { plan: pick(r, PLAN), crm_id: `00Q${digits(r, 12)}` } : {},
    send_invoices: r() < 0.9,
    send_collections: r() < 0.8,
    send_vouchers: r() < 0.7,
    status: i % 23 === 0 ? 'archived' : i % 31 === 0 ? 'pending' : 'active',
    contacts,
    sources: sales > 0 && r() < 0.6 ? [`src_${idPart(r)}`] : [],
    aggregations: {
      sales,
      sales_current_period: Math.floor(sales * r() * 0.2),
      balance: Math.floor(r() * 2_000_000) * (r() < 0.2 ? -1 : 1),
    },
    test_mode: testMode,
    created: wireTimestamp(createdMs, i),
    updated: wireTimestamp(updatedMs, i + 1),
  };
  if (i % 13 === 0) {
    // The older country shape from earlier API docs.
    customer.country = {
      id: countryId.toLowerCase(),
      name: c.country.name,
      name_en: c.country.name,
      phone_code: c.country.code,
      has_regulation: c.country.has_regulation,
      tax_percent: 19,
    };
  }
  if (i % 17 === 0) {
    // The older state shape, with a string id.
    customer.state = {
      id: `${countryId}${st.name.slice(0, 2).toUpperCase()}`,
      code: 'X',
      name: st.name,
    };
  }
  if (i % 29 === 0) customer.legacy_flags = { migrated: true };
  return customer;
}

const ID_CHARS = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID-like 26-character id part. */
export function idPart(r: () => number): string {
  return Array.from({ length: 26 }, () => pick(r, [...ID_CHARS])).join('');
}
