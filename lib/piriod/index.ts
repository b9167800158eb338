export type {
  CustomerPage,
  ListOptions,
  PiriodReader,
  RequestOptions,
  TokenSource,
} from '../ports.js';
export {
  type AttemptInfo,
  PiriodClient,
  type PiriodClientOptions,
} from './client.js';
export {
  isRetryable,
  PiriodBadRequestError,
  PiriodCredentialsError,
  PiriodDeadlineError,
  PiriodError,
  PiriodMalformedResponseError,
  PiriodNetworkError,
  PiriodNotFoundError,
  PiriodRateLimitedError,
  PiriodRetryAfterError,
  PiriodServerError,
  PiriodTimeoutError,
} from './errors.js';
export { DEFAULT_PACE, type PaceOptions, Pacer } from './pacer.js';
export { parseRetryAfter } from './retry-after.js';
export {
  pythonStr,
  topLevelKeyOrder,
  verifyWebhookSignature,
  webhookSignature,
} from './signature.js';
