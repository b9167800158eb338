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
  const scrub = (text: string) => {
    let out = text;
    for (const s of secrets()) if (s.length >= 4) out = out.split(s).join('[redacted]');
    return out;
  };
  return {
    out: (text) => process.stdout.write(scrub(text)),
    err: (text) => process.stderr.write(scrub(text)),
    errIsTty: Boolean(process.stderr.isTTY),
  };
}
