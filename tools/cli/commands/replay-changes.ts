import { eventBus } from '../../../lib/compose/bus.js';
import { customerTable } from '../../../lib/compose/table.js';
import { loadBusConfig, loadStoreConfig } from '../../../lib/config.js';
import type { Env } from '../../../lib/env-variables.js';
import { Pacer } from '../../../lib/piriod/pacer.js';
import { checkTable } from '../../../lib/store/create-table.js';
import { type ReplaySummary, replayChanges } from '../../../lib/use-cases/replay-changes.js';
import { intFlag, parse } from '../args.js';
import { EXIT, UsageError } from '../errors.js';
import { AWS_ENV, BUS_ENV, environmentHelp, TABLE_ENV } from '../help-env.js';
import type { Io } from '../io.js';

const REPLAY_CHANGES_HELP = `Usage: piriod-mirror replay-changes --since ISO [--until ISO] [--rate N] [--json]

Re-publishes "Customer Changed" on the bus (EVENT_BUS_NAME) for every customer whose last
write (syncedAt) falls in [--since, --until): change "deleted" for tombstones, "updated"
otherwise, with "replayed": true. Use it after the change feed was down (the
ChangesPublishFailed or ChangesIteratorAge alarm, or a publish-changes dead letter), or to
bootstrap a new subscriber. It scans the table (CUSTOMERS_TABLE): about 0.5 read units per
4 KB of table.

  --since ISO   start of the window, inclusive (e.g. 2026-11-30T08:00:00Z)
  --until ISO   end of the window, exclusive; default now
  --rate N      events per second at most; default 100
  --json        print {"published", "updated", "deleted", "failed": [{"id", "reason"}], "since", "until"}

Exit: 0 all published · 1 some could not be published (listed) · 2 usage or configuration error.
${environmentHelp(BUS_ENV, TABLE_ENV, AWS_ENV)}`;

/** `replay-changes --since ISO [--until ISO] [--rate N] [--json]`. */
export async function replayChangesCommand(
  argv: string[],
  env: Env,
  io: Io,
  now: () => Date = () => new Date(),
): Promise<number> {
  const { values } = parse(
    argv,
    {
      since: { type: 'string' },
      until: { type: 'string' },
      rate: { type: 'string' },
      json: { type: 'boolean' },
    },
    'replay-changes',
    false,
  );
  if (values.help) {
    io.out(REPLAY_CHANGES_HELP);
    return EXIT.ok;
  }
  if (values.since === undefined) {
    throw new UsageError(
      'replay-changes: --since is required, an ISO time such as 2026-11-30T08:00:00Z (see `piriod-mirror replay-changes --help`)',
    );
  }
  const since = instant(values.since, 'since');
  const until = values.until === undefined ? now().toISOString() : instant(values.until, 'until');
  if (since >= until) {
    throw new UsageError(`replay-changes: --since (${since}) must be before --until (${until})`);
  }
  const rate = intFlag(values.rate, 'rate', 100, 1);
  const bus = loadBusConfig(env, 'cli');
  const busName = bus.name;
  const table = customerTable(loadStoreConfig(env));
  await checkTable(table.client, table.config.tableName);

  // Ten events per PutEvents call: calls per second is the event rate over ten.
  const pacer = new Pacer({ requestsPerSecond: rate / 10, concurrency: 1 });
  let lastLine = 0;
  const summary = await replayChanges(
    {
      items: table.syncedItems,
      publisher: eventBus(bus),
      pace: (task) => pacer.run(task),
      onProgress: (s) => {
        if (Date.now() - lastLine < (io.errIsTty ? 200 : 5000)) return;
        lastLine = Date.now();
        io.err(`replay-changes: ${progressLine(s)}\n`);
      },
    },
    { since, until },
  );
  if (values.json) {
    io.out(`${JSON.stringify({ ...summary, since, until })}\n`);
  } else {
    io.out(
      `Replayed ${progressLine(summary)} on ${busName}, for customers written in [${since}, ${until}).\n`,
    );
    for (const f of summary.failed.slice(0, 20)) io.err(`not published: ${f.id}: ${f.reason}\n`);
    if (summary.failed.length > 20)
      io.err(`… ${summary.failed.length - 20} more (--json lists all)\n`);
  }
  return summary.failed.length === 0 ? EXIT.ok : EXIT.failed;
}

function progressLine(s: ReplaySummary): string {
  const events = (n: number) => `${n} event${n === 1 ? '' : 's'}`;
  return `${events(s.published)} (${s.updated} updated, ${s.deleted} deleted), ${s.failed.length} failed`;
}

/** An ISO-8601 date or date-time, as the UTC instant `syncedAt` is stored in. */
function instant(value: string, flag: string): string {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) || Number.isNaN(ms)) {
    throw new UsageError(
      `replay-changes: --${flag} must be an ISO time such as 2026-11-30T08:00:00Z, got ${JSON.stringify(value)}`,
    );
  }
  return new Date(ms).toISOString();
}
