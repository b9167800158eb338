export { canonicalJson, contentHash } from './content-hash.js';
export { type ContentWarning, contentWarnings, KNOWN_STATUSES } from './content-warnings.js';
export {
  type FieldIssue,
  InvalidCustomerError,
  InvalidCustomerIdError,
  isValidCustomerId,
} from './errors.js';
export { type Normalized, normalizeCustomer } from './normalize.js';
export {
  type CustomerRecord,
  customerRecordSchema,
  type NormalizedContact,
  type NormalizedCustomer,
  parseCustomerRecord,
  SCHEMA_VERSION,
  type SyncMetadata,
  type SyncSource,
} from './record.js';
export { isReservedItemId, RESERVED_ID_MARK } from './reserved-ids.js';
export { compareInstants, instantKey, toUtcIso } from './timestamp.js';
export { type WireCustomer, wireCustomerSchema } from './wire-schema.js';
