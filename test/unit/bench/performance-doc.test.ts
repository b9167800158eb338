import { describe, expect, it } from 'vitest';
import { proseLines, readDoc, tableCells } from '../../support/markdown.js';

/**
 * The figures `docs/performance.md` (and the cost line of `docs/deploy.md`) quote from the
 * latest full bench run are the ones in `bench/results.json`: each check below names the
 * row it reads and the text it expects there, computed from the results. Re-running
 * `npm run bench` without updating the docs fails this test.
 */
// biome-ignore lint/suspicious/noExplicitAny: the results file is the bench's own JSON.
const results: Record<string, any> = JSON.parse(readDoc('bench/results.json'));
const doc = readDoc('docs/performance.md');

/** The table row (outside code blocks) whose first cell starts with (or is) `label`. */
function row(text: string, label: string, exact = false): string[] {
  const found = proseLines(text)
    .map((l) => l.text)
    .filter((l) => l.trimStart().startsWith('|'))
    .map(tableCells)
    .filter((cells) => (exact ? cells[0] === label : cells[0]?.startsWith(label)));
  expect(found, `one row starting "${label}"`).toHaveLength(1);
  return found[0] as string[];
}

/** The text under a heading, down to the next heading of any level. */
function section(heading: string): string {
  const start = doc.indexOf(`\n${heading}\n`);
  expect(start, heading).toBeGreaterThan(-1);
  const rest = doc.slice(start + heading.length + 2);
  const end = rest.search(/\n#{2,3} /);
  return end === -1 ? rest : rest.slice(0, end);
}

const thousands = (n: number) => n.toLocaleString('en-US');
const money = (n: number) => n.toFixed(2);

describe('docs/performance.md quotes bench/results.json', () => {
  it('quick is false: the figures come from a full run', () => {
    expect(results.quick).toBe(false);
  });

  const cold = results.fullMirrorCold;
  const unchanged = results.fullMirrorUnchanged;
  const byId = results.refreshById;
  const changed = results.changedCustomer;
  const scale = results.scale;
  const webhook = results.webhook;
  const measuredRows: [string, string[]][] = [
    [
      `full mirror, cold (${thousands(cold.customers)})`,
      [
        `${cold.seconds} s`,
        `${cold.customersPerSecond}/s`,
        `${cold.writeUnitsPerCustomer} write units/customer`,
        `**${cold.ratioToBound}** × bound ${cold.boundSeconds} s`,
        `${results.reference.dynamoDbLocalConditionalPutsPerSecond}/s)`,
      ],
    ],
    [
      `full mirror, unchanged (${thousands(unchanged.customers)})`,
      [
        `${unchanged.seconds} s`,
        `**${unchanged.dynamoWrites} writes**`,
        `**${unchanged.readUnitsPerCustomer} read units/customer**`,
        `**${unchanged.piriodRequestsPerCustomer} Piriod requests/customer**`,
        `**${unchanged.ratioToPaceBound}** × pace bound ${unchanged.paceBoundSeconds} s`,
      ],
    ],
    [
      `refresh by id (${thousands(byId.ids)}, C = ${byId.concurrency}`,
      [
        `${byId.customersPerSecond}/s`,
        `${byId.ratioToIdeal} × ideal ${byId.idealCustomersPerSecond}/s`,
      ],
    ],
    [
      'one changed customer',
      [`${changed.readUnitsPerChange} read + ${changed.writeUnitsPerChange} write units`],
    ],
    [
      `scale ${scale.rows.map((r: { customers: number }) => thousands(r.customers)).join(' / ')}`,
      [
        `${scale.rows.map((r: { seconds: number }) => r.seconds).join(' / ')} s`,
        `peak RSS ${scale.rows.map((r: { peakRssMb: number }) => r.peakRssMb).join(' / ')} MB`,
        `raw put ${scale.rows.map((r: { rawPutMsAtThisSize: number }) => r.rawPutMsAtThisSize).join(' / ')} ms`,
      ],
    ],
    [
      'scale: marginal time per customer',
      [
        ...Object.entries(scale.marginalMsPerCustomer).map(([k, v]) => `${k}: ${v} ms`),
        `**${scale.marginalRatio}** ×`,
      ],
    ],
    ['scale: peak RSS growth', [`**${scale.peakRssGrowthMb} MB**`]],
    [
      '`normalizeCustomer`',
      [
        `${results.normalization.microsPerCustomer} µs/customer`,
        `${results.normalization.ratioToJsonParse} × \`JSON.parse\``,
      ],
    ],
    ...['full-mirror', 'refresh-customers', 'receive-webhook', 'publish-changes'].map(
      (fn): [string, string[]] => {
        const runs = Object.entries(results.coldStart)
          .filter(([key]) => key.startsWith(`${fn} (`))
          // biome-ignore lint/suspicious/noExplicitAny: as above.
          .map(([, v]) => v as any);
        const on = (major: string) => runs.find((r) => r.node.startsWith(`v${major}.`));
        const [n20, n24] = [on('20'), on('24')];
        return [
          `cold start \`${fn}\``,
          [
            `${n20.sizeKb} KB (floor ${n20.floorSizeKb} KB)`,
            `**${n20.ratioToFloor.toFixed(2)}** × its SDK floor on Node 20, **${n24.ratioToFloor.toFixed(2)}** on Node 24`,
          ],
        ];
      },
    ),
    [
      'webhook p50 / p99',
      [
        `${webhook.p50Ms} / ${webhook.p99Ms} ms`,
        `${webhook.p50RatioToPublish} / ${webhook.p99RatioToPublish} × the bare publish call`,
      ],
    ],
  ];
  it.each(measuredRows)('measured figures: %s', (label, expected) => {
    const text = row(section('## Measured figures'), label).join(' | ');
    for (const e of expected) expect(text).toContain(e);
  });

  it('the prose on the unchanged full mirror', () => {
    expect(doc).toContain(
      `now ${unchanged.seconds} s against a ${unchanged.paceBoundSeconds} s floor`,
    );
    expect(doc).toContain(`(${unchanged.readUnitsPerCustomer} read units per customer`);
    expect(doc).toContain(`(${byId.ratioToIdeal} here;`);
    expect(doc).toContain(`${scale.marginalRatio} × that from`);
  });

  it('the freshness budget: the receiver’s p50', () => {
    expect(
      row(
        section('## Freshness budget (webhook → table)'),
        '`receive-webhook` verifies and publishes',
      )[1],
    ).toBe(`${webhook.p50Ms} ms (p50)`);
  });

  const cost = results.costPerMonth;
  type Totals = { customers: number; variableTotal: number; fixedTotal: number; total: number };
  type Line = { item: string; monthly: number; basis: string };
  const totals: [string, Totals][] = cost.byCustomers.map((c: Totals) => [
    thousands(c.customers),
    c,
  ]);
  it.each(totals)('the monthly cost of %s customers', (label, c) => {
    expect(row(section('## Cost'), label, true).slice(0, 4)).toEqual([
      label,
      money(c.variableTotal),
      money(c.fixedTotal),
      money(c.total),
    ]);
  });

  const tenThousand = cost.byCustomers.find((c: { customers: number }) => c.customers === 10_000);
  it('the variable cost for 10,000 customers, here and in docs/deploy.md', () => {
    const dollars = money(tenThousand.variableTotal);
    expect(doc).toContain(`Variable cost for 10,000 customers: **$${dollars}**`);
    expect(readDoc('docs/deploy.md')).toContain(`**$${dollars} a month per 10,000 customers**`);
  });

  const lines: [string, Line][] = [...tenThousand.variable, ...tenThousand.fixed].map((l: Line) => [
    l.item,
    l,
  ]);
  it.each(lines)('the itemized line "%s"', (item, { monthly, basis }) => {
    const [, dollars, said] = row(section('## Cost'), item, true);
    expect(dollars).toBe(monthly.toFixed(3));
    expect(said?.startsWith(basis)).toBe(true);
  });

  it('marks the lease line, which the bench does not measure, as an estimate', () => {
    const items = [...tenThousand.variable, ...tenThousand.fixed].map(
      (l: { item: string }) => l.item,
    );
    const lease = row(section('## Cost'), 'DynamoDB writes, full-mirror lease', true);
    expect(items).not.toContain(lease[0]);
    expect(lease[2]).toMatch(/^estimate/);
  });

  it('the fixed cost of one workspace', () => {
    expect(row(section('### Several workspaces'), '1', true)[1]).toBe(
      money(tenThousand.fixedTotal),
    );
    expect(doc).toContain(`the full $${money(tenThousand.fixedTotal)} again`);
  });
});
