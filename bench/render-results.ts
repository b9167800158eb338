import { installedRows } from './installed-cli.js';

/** The results as a Markdown table (bench/results.md). */
// biome-ignore lint/suspicious/noExplicitAny: results is free-form JSON built above.
export function renderTable(r: Record<string, any>): string {
  const mark = (met: boolean) => (met ? '✔' : '✘ missed');
  const lines = ['| figure | value | reference / ratio | goal |', '|---|---|---|---|'];
  const c = r.fullMirrorCold;
  const u = r.fullMirrorUnchanged;
  lines.push(
    `| full mirror, cold (${c.customers}, ${c.pageLatencyMs} ms/page, ${c.requestsPerSecond} req/s) | ${c.seconds} s, ${c.customersPerSecond}/s, ${c.writeUnitsPerCustomer} WRU/customer | **${c.ratioToBound}** × bound ${c.boundSeconds} s (${c.bound}) | ≥ 0.8 ${mark(c.met)} |`,
  );
  lines.push(
    `| full mirror, unchanged | ${u.seconds} s, ${u.dynamoWrites} writes, **${u.readUnitsPerCustomer}** RRU/customer, ${u.piriodRequestsPerCustomer} requests/customer | **${u.ratioToPaceBound}** × pace bound ${u.paceBoundSeconds} s | ≥ 0.5, ≤ 0.05, 0, ≤ 0.02 ${mark(u.met)} |`,
  );
  const f = r.refreshById;
  lines.push(
    `| refresh by id (${f.ids}, C=${f.concurrency}) | ${f.customersPerSecond}/s | ${f.ratioToIdeal} × ideal ${f.idealCustomersPerSecond}/s | ≥ 0.9 ${mark(f.ratioToIdeal >= 0.9)} |`,
  );
  const ch = r.changedCustomer;
  lines.push(
    `| one changed customer (worker path) | ${ch.readUnitsPerChange} RRU + ${ch.writeUnitsPerChange} WRU, ${ch.secondsPerChange} s | Piriod at ${ch.piriodLatencyMs} ms | |`,
  );
  const sc = r.scale;
  for (const row of sc.rows) {
    lines.push(
      `| scale ${row.customers} | ${row.seconds} s, ${row.msPerCustomer} ms/customer, peak RSS ${row.peakRssMb} MB | raw put ${row.rawPutMsAtThisSize} ms at that size | |`,
    );
  }
  lines.push(
    `| scale: marginal time per customer | ${Object.entries(sc.marginalMsPerCustomer)
      .map(([k, v]) => `${k}: ${v} ms`)
      .join(
        ', ',
      )} | **${sc.marginalRatio}** ×; peak RSS growth ${sc.peakRssGrowthMb} MB | ±20 %, ≤ 20 MB ${mark(sc.met)} |`,
  );
  const n = r.normalization;
  lines.push(
    `| normalizeCustomer | ${n.microsPerCustomer} µs/customer | ${n.ratioToJsonParse} × JSON.parse (${n.jsonParseMicrosPerCustomer} µs) | |`,
  );
  // biome-ignore lint/suspicious/noExplicitAny: results is free-form JSON built above.
  for (const [name, s] of Object.entries<any>(r.coldStart)) {
    lines.push(
      `| cold start ${name} | ${s.sizeKb} KB, ${s.importMs} ms | **${s.ratioToFloor}** × SDK floor (${s.floorSizeKb} KB, ${s.floorImportMs} ms); ${s.ratioToEmptyModule} × empty module | ≤ 1.25 ${mark(s.met)} |`,
    );
  }
  lines.push(...installedRows(r.installedPackage));
  const w = r.webhook;
  lines.push(
    `| webhook p50 / p99 | ${w.p50Ms} / ${w.p99Ms} ms | ${w.p50RatioToPublish} / ${w.p99RatioToPublish} × bare publish | |`,
  );
  const sig = r.webhookSignature;
  lines.push(
    `| webhook signature, largest body (${sig.bytes} B, ${sig.keys} keys) | ${sig.medianMs} ms median, ${sig.p99Ms} ms p99 | Piriod waits 6 s | |`,
  );
  lines.push('', '| customers | variable $/month | fixed $/month | total |', '|---|---|---|---|');
  for (const k of r.costPerMonth.byCustomers) {
    lines.push(`| ${k.customers} | ${k.variableTotal} | ${k.fixedTotal} | ${k.total} |`);
  }
  lines.push(
    '',
    `Variable cost for 10,000 customers ≤ $0.50: ${mark(r.costPerMonth.met)}. Itemized lines: bench/results.json → costPerMonth.`,
  );
  return `${lines.join('\n')}\n`;
}
