/** A bad command line: exit 2 with the message and a pointer to `--help`. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** CLI exit codes (a contract). */
export const EXIT = {
  ok: 0,
  /** Some customers failed, the mirror drifts, or the item is absent. */
  failed: 1,
  /** Usage or configuration error: bad flag, missing token, credentials rejected. */
  usage: 2,
} as const;
