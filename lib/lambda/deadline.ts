import type { Context } from 'aws-lambda';
import type { Clock } from '../ports.js';

/**
 * Time kept back from an invocation's limit to drain writes, send what must be sent (dead
 * letters, a continuation) and answer: at least 10 s, or a fifth of what is left.
 */
function safetyMarginMs(remainingMs: number): number {
  return Math.max(10_000, Math.floor(remainingMs * 0.2));
}

/**
 * The instant (epoch ms on `clock`) by which a function's own work must stop: the time Lambda
 * says is left, less {@link safetyMarginMs} or `minMarginMs`, whichever is longer (what must
 * still run after the deadline may need more than the plain margin).
 */
export function invocationDeadline(
  context: Pick<Context, 'getRemainingTimeInMillis'>,
  clock: Clock,
  minMarginMs = 0,
): number {
  const remaining = context.getRemainingTimeInMillis();
  return clock.now().getTime() + remaining - Math.max(minMarginMs, safetyMarginMs(remaining));
}
