export { type ChangePublisher, type Clock, type CustomerChange, systemClock } from '../ports.js';
export { RunAbortedError } from './errors.js';
export { type MirrorOptions, type MirrorResult, mirrorAll } from './mirror-all.js';
export {
  type CustomerOutcome,
  failed,
  type Progress,
  type SuccessResult,
  type SyncSummary,
  Tally,
} from './outcome.js';
export { toRecord } from './record-builder.js';
export { type RefreshCustomersResult, refreshCustomers } from './refresh-customers.js';
export type { SyncDeps, SyncPorts } from './sync-deps.js';
export { UpsertPipeline } from './upsert-pipeline.js';
export { type DriftReport, verifyMirror } from './verify-mirror.js';
