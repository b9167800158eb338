import { startSandbox } from '../tools/sandbox/sandbox-server.js';
import { type Bench, CONCURRENCY, LATENCY_MS, log, quick, round, SIZE } from './bench-context.js';

/** Section 3: refresh by id at concurrency C, then the same customers changed (the webhook path). */
export async function measureRefreshById(
  b: Bench,
  results: Record<string, unknown>,
): Promise<void> {
  log(
    `refresh of ${SIZE.refresh} ids at concurrency ${CONCURRENCY}, then ${SIZE.changes} changed…`,
  );
  const sandbox = await startSandbox({
    customers: SIZE.refresh,
    faults: { latencyMs: LATENCY_MS },
  });
  const ids = sandbox.customers().map((c) => c.id);
  const table = await b.newTable();
  // A pure timing run (no capacity metering), like a production client.
  const r = await b.mirrorInChild(sandbox, table, {
    BENCH_IDS: JSON.stringify(ids),
    BENCH_METER: '0',
  });
  const changed = ids.slice(0, SIZE.changes);
  for (const id of changed) sandbox.editCustomer(id, { manager: 'Changed Today' });
  const c = await b.mirrorInChild(sandbox, table, {
    BENCH_IDS: JSON.stringify(changed),
    BENCH_CONCURRENCY: '1',
  });
  await sandbox.close();
  const rate = ids.length / r.seconds;
  const ideal = CONCURRENCY / (LATENCY_MS / 1000);
  results.refreshById = {
    ids: ids.length,
    concurrency: CONCURRENCY,
    customersPerSecond: round(rate, 1),
    idealCustomersPerSecond: ideal,
    ratioToIdeal: round(rate / ideal),
    goal: 'ratioToIdeal ≥ 0.9',
  };
  results.changedCustomer = {
    customers: changed.length,
    updated: c.summary.updated,
    readUnitsPerChange: round(c.readUnits / changed.length, 3),
    writeUnitsPerChange: round(c.writeUnits / changed.length, 3),
    // One at a time, as a webhook-driven worker invocation sees them: Piriod GET + read + write.
    secondsPerChange: round(c.seconds / changed.length, 4),
    piriodLatencyMs: LATENCY_MS,
  };
}

/** Section 4: scale: marginal time per customer and peak RSS growth. */
export async function measureScale(bench: Bench, results: Record<string, unknown>): Promise<void> {
  const rows = [];
  for (const n of SIZE.scale) {
    log(`scale: full mirror of ${n}…`);
    const sandbox = await startSandbox({ customers: n, faults: { latencyMs: LATENCY_MS } });
    const table = await bench.newTable();
    const r = await bench.mirrorInChild(sandbox, table);
    // DynamoDB Local slows down as a table grows: the reference is measured at this size.
    const refAtSize = await bench.rawPutRate(Math.min(quick ? 300 : 2000, n), table);
    await sandbox.close();
    await bench.dropTable(table);
    rows.push({
      customers: n,
      seconds: round(r.seconds),
      msPerCustomer: round((r.seconds * 1000) / n),
      rawPutMsAtThisSize: round(1000 / refAtSize),
      peakRssMb: Math.round(r.maxRssMb),
    });
  }
  const [a, b, c] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
  const marginalLow = ((b.seconds - a.seconds) * 1000) / (b.customers - a.customers);
  const marginalHigh = ((c.seconds - b.seconds) * 1000) / (c.customers - b.customers);
  const ratio = marginalHigh / marginalLow;
  results.scale = {
    rows,
    marginalMsPerCustomer: {
      [`${a.customers}→${b.customers}`]: round(marginalLow),
      [`${b.customers}→${c.customers}`]: round(marginalHigh),
    },
    marginalRatio: round(ratio),
    peakRssGrowthMb: c.peakRssMb - b.peakRssMb,
    goal: `marginal ${b.customers}→${c.customers} within ±20 % of ${a.customers}→${b.customers}; peak RSS ${c.customers} − ${b.customers} ≤ 20 MB`,
    met: Math.abs(ratio - 1) <= 0.2 && c.peakRssMb - b.peakRssMb <= 20,
    bound:
      'DynamoDB Local conditional writes, which slow as a table grows (rawPutMsAtThisSize); Piriod listing at 50 ms/page is overlapped',
  };
}
