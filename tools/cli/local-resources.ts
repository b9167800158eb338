import type { Io } from './io.js';

/**
 * What a local command starts (DynamoDB Local, the sandbox, the dev runtime), stopped in
 * reverse order when the command ends — or on Ctrl-C / SIGTERM, which prints `interrupted`
 * and exits 130 once everything is down, so no JVM or port is left behind.
 */
export class LocalResources {
  private readonly stops: (() => Promise<void>)[] = [];
  private readonly onSignal = () => {
    this.io.err(`\n${this.interrupted}\n`);
    this.close().finally(() => process.exit(130));
  };

  constructor(
    private readonly io: Io,
    private readonly interrupted: string,
  ) {
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  /** Keeps `resource` to be stopped by `stop` at the end; returns it. */
  add<T>(resource: T, stop: (r: T) => Promise<void>): T {
    this.stops.push(() => stop(resource));
    return resource;
  }

  /** Stops everything added, newest first, and stops listening for signals. */
  async close(): Promise<void> {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    for (const stop of this.stops.splice(0).reverse()) await stop();
  }
}
