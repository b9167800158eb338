import type { Env } from '../../lib/env-variables.js';

/** Where a command writes; injected so the token can be scrubbed from all output. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress bar) or not (periodic lines). */
  errIsTty: boolean;
}

/**
 * The process's stdout/stderr, with every occurrence of the given secrets replaced, as a last
 * line of defence: no code path should print a token, and this makes sure none does.
 */
export function processIo(secrets: () => readonly string[]): Io {
  const scrub = scrubber(secrets);
  return {
    out: (text) => process.stdout.write(scrub(text)),
    err: (text) => process.stderr.write(scrub(text)),
    errIsTty: Boolean(process.stderr.isTTY),
  };
}

/** Replaces every occurrence of the secrets (4 characters or more) with `[redacted]`. */
export function scrubber(secrets: () => readonly string[]): (text: string) => string {
  return (text) => {
    let out = text;
    for (const s of secrets()) if (s.length >= 4) out = out.split(s).join('[redacted]');
    return out;
  };
}

/**
 * The secrets the CLI scrubs from its output: the token as the client sends it (trimmed),
 * so padding in the variable cannot hide it from the scrubber.
 */
export function cliSecrets(env: Env): string[] {
  const token = env.PIRIOD_API_TOKEN?.trim();
  return token ? [token] : [];
}
