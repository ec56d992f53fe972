import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { tryParseBillingPeriod } from '../../core/time/billing-period';
import { addDays, type PlainDate, tryParsePlainDate } from '../../core/time/plain-date';
import { LEAKAGE_REASON } from '../../services/reports/leakage-words';
import {
  reconChart,
  reconCustomer,
  reconLeakage,
  reconMonth,
  reconTimeline,
} from '../../services/reports/reconciliation';
import type {
  LeakageWire,
  ReconChartWire,
  ReconCustomerWire,
  ReconFiguresWire,
  ReconFlagWire,
  ReconMonthWire,
  TimelineWire,
} from '../../services/reports/reconciliation-schemas';
import { resolveCustomerRef } from '../../services/sync';
import { CONTRACT_WORDS, TARGET_LABEL } from '../../services/sync/psa';
import { parseChoice, parseCount, usage } from '../exit';
import { type Output, output, table } from '../output';
import { parseDateOption, parseTarget, withSync } from '../sync-context';

export interface ReconOptions {
  period?: string;
  target: string;
  customer?: string;
  leakage?: boolean;
  timeline?: string;
  chart?: boolean;
  months?: string;
  export?: string;
  out?: string;
  refresh?: boolean;
  asOf?: string;
  workspace?: string;
}

type View =
  | { kind: 'month'; wire: ReconMonthWire }
  | { kind: 'customer'; wire: ReconCustomerWire }
  | { kind: 'leakage'; wire: LeakageWire }
  | { kind: 'timeline'; wire: TimelineWire }
  | { kind: 'chart'; wire: ReconChartWire };

const FORMATS = ['csv', 'xlsx'] as const;
type Format = (typeof FORMATS)[number];

/** --export and --out together; --out alone takes the format from the file's extension. */
function exportFormat(opts: ReconOptions): Format | undefined {
  if (opts.export === undefined && opts.out === undefined) return undefined;
  if (opts.out === undefined) throw usage('--export needs --out <file>: where to write the table');
  if (opts.export !== undefined) return parseChoice('--export', opts.export, FORMATS);
  const ext = /\.(csv|xlsx)$/i.exec(opts.out)?.[1]?.toLowerCase() as Format | undefined;
  if (!ext) throw usage('Say the format with --export csv or --export xlsx (or name the file .csv or .xlsx)');
  return ext;
}

function checkOptions(opts: ReconOptions, format: Format | undefined): void {
  if (opts.period !== undefined && !tryParseBillingPeriod(opts.period.trim()))
    throw usage(`--period must be a month written YYYY-MM, not "${opts.period}"`);
  if (opts.timeline !== undefined && opts.customer === undefined)
    throw usage("--timeline needs --customer: a contract line is one customer's");
  if (opts.timeline !== undefined && opts.period !== undefined)
    throw usage('--timeline shows every day of the line: leave out --period');
  if (opts.leakage && opts.customer !== undefined)
    throw usage('Give --leakage or --customer, not both (a customer shows its unbilled offers as problems)');
  if (opts.timeline !== undefined && format)
    throw usage('--export writes the month, a customer or the leakage, not a timeline (use --json)');
  if (opts.chart && (opts.timeline !== undefined || opts.leakage || opts.period !== undefined || format))
    throw usage(
      '--chart shows the last months (with --months, for the workspace or one --customer) on its own',
    );
  if (opts.months !== undefined && !opts.chart) throw usage('--months goes with --chart');
}

/** `billsync recon`: the month, a customer's offers, the leakage or a line's timeline; or one of them as a file. */
export async function recon(opts: ReconOptions, c: Command): Promise<void> {
  const out = output(Boolean(c.optsWithGlobals().json));
  const format = exportFormat(opts);
  checkOptions(opts, format);
  const target = parseTarget(opts.target);
  const asOf = parseDateOption('--as-of', opts.asOf);
  const q = {
    ...(opts.period !== undefined ? { period: opts.period.trim() } : {}),
    ...(opts.refresh ? { refresh: true } : {}),
  };
  const view = await withSync(
    { workspace: opts.workspace, asOf },
    out,
    async ({ deps, ws, pool }): Promise<View> => {
      if (opts.chart) {
        const tenantId =
          opts.customer !== undefined
            ? (await resolveCustomerRef(pool, ws, opts.customer)).tenantId
            : undefined;
        const months = opts.months === undefined ? 12 : parseCount('--months', opts.months);
        if (months < 1 || months > 36) throw usage(`--months must be 1 to 36, not "${opts.months}"`);
        const wire = await reconChart(deps, ws, target, {
          tenantId,
          months,
          ...(opts.refresh ? { refresh: true } : {}),
        });
        return { kind: 'chart', wire };
      }
      if (opts.customer !== undefined) {
        const { tenantId } = await resolveCustomerRef(pool, ws, opts.customer);
        if (opts.timeline !== undefined) {
          const offerKey = opts.timeline.trim();
          const refresh = opts.refresh ? { refresh: true } : {};
          const wire = await reconTimeline(deps, ws, target, { tenantId, offerKey, ...refresh });
          return { kind: 'timeline', wire };
        }
        return { kind: 'customer', wire: await reconCustomer(deps, ws, target, { tenantId, ...q }) };
      }
      if (opts.leakage) return { kind: 'leakage', wire: await reconLeakage(deps, ws, target, q) };
      return { kind: 'month', wire: await reconMonth(deps, ws, target, q) };
    },
  );
  if (format && opts.out !== undefined && view.kind !== 'timeline' && view.kind !== 'chart') {
    await writeExport(out, view, format, resolve(opts.out));
    return;
  }
  out.result(view.wire, () => viewText(view));
}

async function writeExport(
  out: Output,
  view: Exclude<View, { kind: 'timeline' | 'chart' }>,
  format: Format,
  file: string,
): Promise<void> {
  // Loaded only to export: exceljs is large.
  const x = await import('../../services/reports/export');
  const t =
    view.kind === 'month'
      ? x.customersTable(view.wire)
      : view.kind === 'customer'
        ? x.offersTable(view.wire)
        : x.leakageTable(view.wire);
  writeFileSync(file, format === 'csv' ? x.toCsv(t) : await x.toXlsx(t));
  out.result(
    { file, format, title: t.title, rows: t.rows.length },
    `Wrote ${t.title} (${t.rows.length} rows with the total) to ${file}`,
  );
}

// ---------------------------------------------------------------------------------------------- text

const FIGURE_HEADERS = ['Microsoft cost', 'expected retail', 'PSA bills', 'margin', 'margin %', 'difference'];

const figureCells = (f: ReconFiguresWire) => [
  f.cost,
  f.expected,
  f.billed,
  f.margin,
  f.marginPercent === null ? '' : f.marginPercent.toFixed(1),
  f.difference,
];

const flagKinds = (flags: readonly ReconFlagWire[]) => [...new Set(flags.map((f) => f.kind))].join(', ');

const amountsIn = (currency: string | null) => (currency ? `, amounts in ${currency}` : '');

function readAt(computedAt: string, psaCalls?: number): string {
  const when = computedAt.slice(0, 16).replace('T', ' ');
  return psaCalls === undefined
    ? `PSA read at ${when} UTC`
    : `PSA read at ${when} UTC (${psaCalls} request(s))`;
}

function otherPeriods(periods: readonly string[], shown: string | null): string[] {
  const others = periods.filter((p) => p !== shown).slice(0, 12);
  return others.length ? [`Other periods (--period): ${others.join(', ')}`] : [];
}

function flagLines(items: readonly { who: string; flags: readonly ReconFlagWire[] }[]): string[] {
  const lines = items.flatMap((i) => i.flags.map((f) => `- ${i.who}: ${f.text}`));
  return lines.length ? ['', 'Flags:', ...lines] : [];
}

function monthText(m: ReconMonthWire): string {
  const label = TARGET_LABEL[m.target];
  if (!m.period) return 'No invoice is imported yet: there is nothing to reconcile.';
  const contract = CONTRACT_WORDS[m.target].one;
  return [
    `Reconciliation of ${m.period} (${label})${amountsIn(m.currency)}; ${readAt(m.computedAt, m.psaCalls)}.`,
    m.customers.length
      ? table(
          ['customer', contract, 'offers', ...FIGURE_HEADERS, 'flags'],
          [
            ...m.customers.map((c) => [
              c.name,
              c.contractName,
              c.offers,
              ...figureCells(c),
              flagKinds(c.flags),
            ]),
            ['total', '', '', ...figureCells(m.totals), ''],
          ],
        )
      : `No mapped customer has figures in ${m.period}.`,
    ...flagLines(m.customers.map((c) => ({ who: c.name, flags: c.flags }))),
    '',
    m.leakage.rows
      ? `Not billed (leakage): ${m.leakage.total} in ${m.leakage.rows} line(s): see \`billsync recon --leakage\``
      : 'Not billed (leakage): nothing.',
    ...otherPeriods(m.periods, m.period),
  ].join('\n');
}

function customerText(c: ReconCustomerWire): string {
  const label = TARGET_LABEL[c.target];
  const words = CONTRACT_WORDS[c.target];
  const head = `${c.name} (${c.tenantId}), ${c.period ?? 'no period'} (${label})${amountsIn(c.currency)}; ${readAt(c.computedAt)}.`;
  if (!c.mapped) {
    return [
      head,
      `Not mapped to a ${words.one}: ${label} bills this customer nothing; Microsoft's cost is ${c.totals.cost}.`,
      ...flagLines([{ who: c.name, flags: c.flags }]),
      ...otherPeriods(c.periods, c.period),
    ].join('\n');
  }
  return [
    head,
    `${words.title}: ${c.contractName ?? '(unnamed)'}`,
    c.offers.length
      ? table(
          ['offer', 'kind', 'seats', 'PSA units', ...FIGURE_HEADERS, 'flags'],
          [
            ...c.offers.map((o) => [
              o.title,
              o.kind,
              o.seats,
              o.units,
              ...figureCells(o),
              flagKinds(o.flags),
            ]),
            ['total', '', '', '', ...figureCells(c.totals), ''],
          ],
        )
      : `No offer has figures in ${c.period ?? 'any period'}.`,
    ...flagLines(c.offers.map((o) => ({ who: o.title, flags: o.flags }))),
    ...(c.offers.length
      ? ['', `Offer keys (for --timeline): ${c.offers.map((o) => o.offerKey).join(', ')}`]
      : []),
    ...otherPeriods(c.periods, c.period),
  ].join('\n');
}

function leakageText(l: LeakageWire): string {
  const label = TARGET_LABEL[l.target];
  if (!l.period) return 'No invoice is imported yet: there is nothing to reconcile.';
  if (l.rows.length === 0) return `Nothing is left unbilled in ${l.period} (${label}).`;
  return [
    `Not billed in ${l.period} (${label})${amountsIn(l.currency)}: ${l.total}`,
    table(
      ['customer', 'not billed', 'reason', 'Microsoft cost', 'fix'],
      l.rows.map((r) => [r.customerName, r.title, LEAKAGE_REASON[r.reason], r.cost, r.fix]),
    ),
  ].join('\n');
}

/** The last day of a range whose end is exclusive. */
const lastDay = (end: string) => {
  const d = tryParsePlainDate(end);
  return d ? addDays(d as PlainDate, -1) : end;
};

function rangesTable(rows: TimelineWire['invoice']): string {
  if (rows.length === 0) return '  (nothing)';
  return table(
    ['from', 'to', 'units', 'price', 'cost'],
    rows.map((r) => [r.start, lastDay(r.end), r.units, r.price, r.cost]),
  );
}

function timelineText(t: TimelineWire): string {
  const label = TARGET_LABEL[t.target];
  const words = CONTRACT_WORDS[t.target];
  const where = t.contractId
    ? `${label} ${words.one} ${t.contractId}${t.contractLineId ? `, line ${t.contractLineId}` : ''}`
    : `no ${label} ${words.one} line`;
  return [
    `${t.title} (${t.offerKey}, ${t.kind}) of ${t.customerName}, ${t.from} to ${lastDay(t.until)}: ${where}.`,
    `Posted through: ${t.postedThrough ?? 'nothing posted'}`,
    '',
    'What the invoices say (seats, expected retail and cost per unit):',
    rangesTable(t.invoice),
    '',
    `What ${label} carries:`,
    rangesTable(t.psa),
    '',
    `Days the synced invoices decide: ${t.decided.map((d) => `${d.start} to ${lastDay(d.end)}`).join(', ') || 'none'}`,
    `Days locked by an earlier change: ${t.changeDays.join(', ') || 'none'}`,
    ...(t.charges.length
      ? [
          '',
          'Charges:',
          table(
            ['date', 'name', 'amount', 'cost', 'by billsync'],
            t.charges.map((x) => [x.date, x.name, x.amount, x.cost, x.billsync ? 'yes' : 'no']),
          ),
        ]
      : []),
    ...(t.writes.length
      ? [
          '',
          "billsync's writes:",
          table(
            ['when', 'effective', 'kind', 'what', 'run'],
            t.writes.map((w) => [w.at.slice(0, 16).replace('T', ' '), w.date, w.kind, w.text, w.runId]),
          ),
        ]
      : []),
    ...(t.months.length
      ? [
          '',
          'Per period:',
          table(
            ['period', ...FIGURE_HEADERS],
            t.months.map((m) => [m.period, ...figureCells(m)]),
          ),
        ]
      : []),
  ].join('\n');
}

function viewText(view: View): string {
  switch (view.kind) {
    case 'month':
      return monthText(view.wire);
    case 'customer':
      return customerText(view.wire);
    case 'leakage':
      return leakageText(view.wire);
    case 'timeline':
      return timelineText(view.wire);
    case 'chart':
      return chartText(view.wire);
  }
}

/** The dashboard's chart as a table: one row per month, oldest first. */
function chartText(c: ReconChartWire): string {
  const who = c.tenantId ? `customer ${c.tenantId}` : 'the workspace';
  if (c.months.length === 0) return `No invoice is imported yet: no month to show for ${who}.`;
  return [
    `The last ${c.months.length} month(s) of ${who} (${TARGET_LABEL[c.target]})${amountsIn(c.currency)}.`,
    table(
      ['period', ...FIGURE_HEADERS],
      c.months.map((m) => [m.period, ...figureCells(m)]),
    ),
  ].join('\n');
}
