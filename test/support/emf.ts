import { vi } from 'vitest';

/** One line a handler wrote: JSON logs and EMF documents alike. */
export type JsonLine = Record<string, unknown>;

/**
 * The JSON lines written to stdout and stderr while `run` runs: the handlers' real
 * Powertools logger and metrics, as Lambda would ship them to CloudWatch. The caller must
 * have switched them on (`POWERTOOLS_LOG_LEVEL`, `POWERTOOLS_METRICS_DISABLED=false`) before
 * the handlers load.
 */
export async function stdoutOf(run: () => Promise<unknown>): Promise<JsonLine[]> {
  let text = '';
  const capture = (chunk: unknown) => {
    text += `${String(chunk)}\n`;
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  try {
    await run().catch(() => {});
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as JsonLine);
}

type EmfDirective = {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string }[];
};

/** EMF documents: the metric names each one declares, with their values. */
export function metricsIn(lines: JsonLine[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of emfMetrics(lines)) out[m.name] = m.value;
  return out;
}

/** One metric as CloudWatch would store it from an EMF document. */
export interface EmfMetric {
  namespace: string;
  name: string;
  value: unknown;
  /** The dimension names and values the metric is recorded under. */
  dimensions: Record<string, string>;
}

/** Every metric the EMF documents among `lines` declare, with namespace and dimensions. */
export function emfMetrics(lines: JsonLine[]): EmfMetric[] {
  const out: EmfMetric[] = [];
  for (const l of lines) {
    const aws = l._aws as { CloudWatchMetrics: EmfDirective[] } | undefined;
    for (const d of aws?.CloudWatchMetrics ?? []) {
      // A document without dimension sets still records its metrics, undimensioned.
      for (const set of d.Dimensions.length > 0 ? d.Dimensions : [[]]) {
        const dimensions = Object.fromEntries(set.map((k) => [k, String(l[k])]));
        for (const m of d.Metrics) {
          out.push({ namespace: d.Namespace, name: m.Name, value: l[m.Name], dimensions });
        }
      }
    }
  }
  return out;
}
