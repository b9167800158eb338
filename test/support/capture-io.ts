import type { Io } from '../../tools/cli/io.js';

/** An {@link Io} that keeps what a command prints, for in-process `runCli` tests. */
export function captureIo(options: { errIsTty?: boolean } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    errIsTty: options.errIsTty ?? false,
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}
