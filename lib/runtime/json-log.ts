/** Levels of {@link JsonLog}. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

const ORDER: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 };

/**
 * A one-line structured JSON logger for the webhook receiver, in the shape Powertools Logger
 * writes (`level`, `message`, `timestamp`, `service`, then fields), to stdout. The receiver
 * must start within its cold-start budget: Powertools Logger costs it ~15% of its import
 * time (README, Performance). Honours `POWERTOOLS_LOG_LEVEL` / `AWS_LAMBDA_LOG_LEVEL`.
 */
export class JsonLog {
  private readonly min: number;

  constructor(
    private readonly service: string,
    env: Record<string, string | undefined>,
    private readonly write: (line: string) => void = (line) => process.stdout.write(line),
  ) {
    const level = (env.POWERTOOLS_LOG_LEVEL ?? env.AWS_LAMBDA_LOG_LEVEL ?? 'INFO').toUpperCase();
    this.min =
      level === 'SILENT' ? Number.POSITIVE_INFINITY : (ORDER[level as LogLevel] ?? ORDER.INFO);
  }

  log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
    if (ORDER[level] < this.min) return;
    const line = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.service,
      ...fields,
    };
    this.write(`${JSON.stringify(line)}\n`);
  }
}
