export { type ChangePublisher, type Clock, type CustomerChange, systemClock } from '../ports.js';
export { RunAbortedError } from './errors.js';
export {
  type MirrorAllDeps,
  type MirrorOptions,
  type MirrorResult,
  mirrorAll,
} from './mirror-all.js';
export {
  type CustomerOutcome,
  failed,
  type Progress,
  type SuccessResult,
  type SyncSummary,
  Tally,
} from './outcome.js';
export {
  type RefreshByIdsDeps,
  type RefreshCustomersResult,
  refreshCustomers,
} from './refresh-customers.js';
export { type DriftReport, verifyMirror } from './verify-mirror.js';
