import type { Progress } from '../../lib/use-cases/outcome.js';
import type { Io } from './io.js';

/**
 * Renders progress on stderr: a redrawn bar on a terminal, a line every `intervalMs`
 * otherwise (logs stay readable in CI and cron).
 */
export function progressReporter(io: Io, options: { intervalMs?: number } = {}) {
  const interval = options.intervalMs ?? (io.errIsTty ? 100 : 5000);
  const started = Date.now();
  let last = 0;
  let drawn = false;
  const render = (p: Progress, final: boolean) => {
    const s = p.summary;
    const elapsed = (Date.now() - started) / 1000;
    const rate = elapsed > 0 ? Math.round(p.done / elapsed) : 0;
    const of = p.total ? `/${p.total}` : '';
    // Verifying writes nothing: its counters would always read 0.
    const counts =
      p.phase === 'verifying'
        ? ''
        : `created ${s.created} updated ${s.updated} unchanged ${s.unchanged} deleted ${s.deleted} failed ${s.failed.length}`;
    if (io.errIsTty) {
      const width = 24;
      const frac = p.total ? Math.min(1, p.done / p.total) : 0;
      const bar = p.total ? `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}] ` : '';
      io.err(
        `\r\x1b[2K${p.phase} ${bar}${p.done}${of} · ${rate}/s${counts && ` · ${counts}`}${final ? '\n' : ''}`,
      );
      drawn = !final;
    } else {
      io.err(
        `${p.phase}: ${p.done}${of} ${(p.total ?? p.done) === 1 ? 'customer' : 'customers'}, ${rate}/s${counts && `, ${counts}`}\n`,
      );
    }
  };
  let latest: Progress | undefined;
  // Off a terminal, the final state is printed unless the last line already showed it.
  let latestShown = false;
  return {
    update(p: Progress): void {
      latest = p;
      latestShown = false;
      const now = Date.now();
      if (now - last >= interval) {
        last = now;
        render(p, false);
        latestShown = !io.errIsTty;
      }
    },
    /** Draws the final state (and ends the bar's line), once. */
    done(): void {
      if (latest && (io.errIsTty ? drawn : !latestShown)) render(latest, true);
      latestShown = !io.errIsTty;
    },
  };
}
