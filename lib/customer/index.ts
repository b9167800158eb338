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
  type NormalizedContact,
  type NormalizedCustomer,
  SCHEMA_VERSION,
  type SyncMetadata,
  type SyncSource,
} from './record.js';
export { customerRecordSchema, parseCustomerRecord } from './record-schema.js';
export { compareInstants, instantKey, toUtcIso } from './timestamp.js';
export { type WireCustomer, wireCustomerSchema } from './wire-schema.js';
