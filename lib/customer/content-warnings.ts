import type { NormalizedCustomer } from './record.js';

/**
 * A content rule that Piriod enforces itself and that this record breaks (too long, not an
 * email, an unknown status). The value is mirrored as given; the warning is only counted
 * and logged, so a rule we are stricter about never drops a customer from the mirror.
 */
export interface ContentWarning {
  path: string;
  message: string;
}

/** Maximum lengths from Piriod's API reference. */
const MAX_LENGTH: Partial<Record<keyof NormalizedCustomer, number>> = {
  name: 100,
  address: 64,
  phone: 16,
  zipCode: 16,
  manager: 64,
  reference: 64,
  taxId: 32,
};

/** Statuses documented today; a new one is kept and warned about, not rejected. */
export const KNOWN_STATUSES: ReadonlySet<string> = new Set(['active', 'archived', 'pending']);

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Lists the content rules a normalized customer breaks. Never throws. */
export function contentWarnings(c: NormalizedCustomer): ContentWarning[] {
  const warnings: ContentWarning[] = [];
  for (const [field, max] of Object.entries(MAX_LENGTH)) {
    const value = c[field as keyof NormalizedCustomer];
    if (typeof value === 'string' && max !== undefined && value.length > max) {
      warnings.push({ path: field, message: `is ${value.length} characters, over ${max}` });
    }
  }
  if (c.email !== undefined && !EMAIL.test(c.email)) {
    warnings.push({ path: 'email', message: 'is not an email address' });
  }
  c.contacts?.forEach((contact, i) => {
    if (contact.email !== undefined && !EMAIL.test(contact.email)) {
      warnings.push({ path: `contacts.${i}.email`, message: 'is not an email address' });
    }
  });
  if (c.website !== undefined && !URL.canParse(c.website)) {
    warnings.push({ path: 'website', message: 'is not an absolute URI' });
  }
  if (c.status !== undefined && !KNOWN_STATUSES.has(c.status)) {
    warnings.push({
      path: 'status',
      message: `is ${JSON.stringify(c.status)}, not a known status`,
    });
  }
  if (c.currency !== undefined && !/^[A-Z]{3}$/.test(c.currency)) {
    warnings.push({ path: 'currency', message: 'is not an ISO 4217 code' });
  }
  return warnings;
}
