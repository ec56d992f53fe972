import type { WorkspaceId } from '../../core/ids';
import { type Decimal, dec, sumDecimals, ZERO } from '../../core/money/decimal';
import type { StateSegment } from '../../core/planner/line-state';
import type { TargetAdapter } from '../../core/ports/target';
import {
  type LineObservation,
  lineFigures,
  type PeriodFigures,
  tolerance,
} from '../../core/reconcile/line-figures';
import {
  type BillingPeriod,
  firstDayOf,
  nextPeriod,
  periodOf,
  previousPeriod,
} from '../../core/time/billing-period';
import { addDays, formatDayMonthYear, type PlainDate } from '../../core/time/plain-date';
import {
  invoicePeriods,
  latestCustomerRuns,
  reconStamp,
  spendByCustomer,
  writesOfLine,
} from '../../db/repos/reconciliation';
import { listSourceCustomers } from '../../db/repos/source-data';
import { getProgram, listMappings, type MappingRow, type TargetKind } from '../../db/repos/sync';
import { planCustomers } from '../../engine/plan-customers';
import { DEFAULT_PROGRAM, toProgramSettings } from '../../engine/program';
import { AppError } from '../errors';
import { CONTRACT_WORDS, type SyncDeps, withPsa } from '../sync/psa';
import type {
  LeakageRowWire,
  LeakageWire,
  ReconChartWire,
  ReconCustomerRowWire,
  ReconCustomerWire,
  ReconFiguresWire,
  ReconFlagWire,
  ReconMonthWire,
  ReconOfferRowWire,
  TimelineWire,
} from './reconciliation-schemas';

/**
 * Reconciliation, leakage and the contract timeline (issue 17, spec section 9). The figures come from the
 * planner's own reading of each mapped customer (planCustomers with an observer: one PSA snapshot for all their
 * contracts, nothing written), so what the page says and what a sync would write never disagree. The reading is
 * cached per workspace and PSA until a run, an import, a mapping, a price rule or the program changes, or a
 * user asks to refresh (the PSA can be edited by hand).
 */

interface OfferLedger {
  observation: LineObservation;
  figures: PeriodFigures[];
}

interface CustomerLedger {
  tenantId: string;
  name: string;
  mapping: MappingRow;
  offers: OfferLedger[];
}

interface Ledger {
  stamp: string;
  computedAt: string;
  psaCalls: number;
  currency: string | null;
  asOf: PlainDate;
  customers: CustomerLedger[];
  azureMotion: boolean;
}

const cache = new Map<string, Ledger>();
/** Even without a change on billsync's side, the PSA is read again after this long (someone may edit it). */
const MAX_AGE_MS = 15 * 60 * 1000;

/** Forget every cached reading (tests; a restored database). */
export function clearReconCache(): void {
  cache.clear();
  pending.clear();
}

/** A PSA adapter that only reads, counting its requests: reconciliation never writes. */
function readOnly(adapter: TargetAdapter, count: () => void): TargetAdapter {
  const refuse = () => {
    throw new Error('reconciliation never writes to the PSA');
  };
  return {
    kind: adapter.kind,
    check: (ctx) => adapter.check(ctx),
    readState: (ctx, scope) =>
      adapter.readState(
        {
          ...ctx,
          onRequest: (m, p) => {
            count();
            ctx.onRequest?.(m, p);
          },
        },
        scope,
      ),
    apply: refuse,
    probe: refuse,
  };
}

/** Readings under way, per workspace and PSA: pages asked at once (the dashboard's chart and card) share one. */
const pending = new Map<string, Promise<Ledger>>();

async function ledgerOf(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  refresh: boolean,
): Promise<Ledger> {
  const key = `${ws}|${target}`;
  const stamp = await reconStamp(deps.pool, ws, target);
  const cached = cache.get(key);
  const fresh =
    cached &&
    cached.stamp === stamp &&
    Date.parse(deps.clock.now()) - Date.parse(cached.computedAt) < MAX_AGE_MS;
  if (cached && fresh && !refresh) return { ...cached, psaCalls: 0 };
  const running = pending.get(key);
  if (running) {
    const ledger = await running;
    if (ledger.stamp === stamp) return { ...ledger, psaCalls: 0 };
  }
  const reading = computeLedger(deps, ws, target, stamp);
  pending.set(key, reading);
  try {
    const ledger = await reading;
    cache.set(key, ledger);
    return ledger;
  } finally {
    if (pending.get(key) === reading) pending.delete(key);
  }
}

async function computeLedger(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  stamp: string,
): Promise<Ledger> {
  const program = { ...DEFAULT_PROGRAM, ...(await getProgram(deps.pool, ws, target)) };
  const mappings = (await listMappings(deps.pool, ws, target)).filter(
    (m) => m.sync_on && m.company_id !== null && m.contract_id !== null,
  );
  const asOf = deps.clock.today();
  const byTenant = new Map<string, LineObservation[]>();
  let psaCalls = 0;
  const customers: CustomerLedger[] = [];
  if (mappings.length > 0) {
    const adapter = await withPsa(target, () => deps.openTarget(ws, target));
    const { plans } = await withPsa(target, () =>
      planCustomers(
        deps,
        ws,
        target,
        program,
        readOnly(adapter, () => {
          psaCalls += 1;
        }),
        mappings,
        asOf,
        (tenantId, line) => byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), line]),
      ),
    );
    for (const p of plans) {
      customers.push({
        tenantId: p.tenantId,
        name: p.customerName,
        mapping: p.mapping,
        offers: (byTenant.get(p.tenantId) ?? []).map((observation) => ({
          observation,
          figures: lineFigures(observation),
        })),
      });
    }
  }
  const currency = await workspaceCurrency(deps, ws);
  return {
    stamp,
    computedAt: deps.clock.now(),
    psaCalls,
    currency,
    asOf,
    customers: customers.sort((a, b) => a.name.localeCompare(b.name)),
    azureMotion: toProgramSettings(program).motions.azure,
  };
}

async function workspaceCurrency(deps: SyncDeps, ws: WorkspaceId): Promise<string | null> {
  const res = await deps.pool.query<{ currency: string }>(
    `select currency from invoices where workspace_id = $1 group by currency order by count(*) desc limit 1`,
    [ws],
  );
  return res.rows[0]?.currency ?? null;
}

// ---------------------------------------------------------------------------------------------- figures

interface Sums {
  cost: Decimal;
  expected: Decimal;
  billed: Decimal;
  billedCost: Decimal;
}

const NO_SUMS: Sums = { cost: ZERO, expected: ZERO, billed: ZERO, billedCost: ZERO };

function add(a: Sums, b: Sums): Sums {
  return {
    cost: a.cost.plus(b.cost),
    expected: a.expected.plus(b.expected),
    billed: a.billed.plus(b.billed),
    billedCost: a.billedCost.plus(b.billedCost),
  };
}

const money = (d: Decimal) => d.round(2, 1).toFixed(2);

function inCents(s: Sums): Sums {
  return {
    cost: s.cost.round(2, 1),
    expected: s.expected.round(2, 1),
    billed: s.billed.round(2, 1),
    billedCost: s.billedCost.round(2, 1),
  };
}

/** Figures in cents (each rounded half-up, margin and difference from the rounded values, as the screen adds up). */
export function toFigures(s: Sums): ReconFiguresWire {
  const cost = s.cost.round(2, 1);
  const expected = s.expected.round(2, 1);
  const billed = s.billed.round(2, 1);
  const margin = billed.minus(cost);
  return {
    cost: cost.toFixed(2),
    expected: expected.toFixed(2),
    billed: billed.toFixed(2),
    billedCost: money(s.billedCost),
    margin: margin.toFixed(2),
    marginPercent: billed.eq(0) ? null : Number(margin.div(billed).times(100).toFixed(1)),
    difference: billed.minus(expected).toFixed(2),
  };
}

function offerFlags(o: LineObservation, f: PeriodFigures): ReconFlagWire[] {
  const flags: ReconFlagWire[] = [];
  if (o.kind === 'problem') {
    flags.push({ kind: 'problem', text: o.problem ?? 'This offer cannot be billed' });
    return flags;
  }
  if (f.unsynced)
    flags.push({
      kind: 'not-synced',
      text: 'An invoice of this period is not synced to the PSA yet: run Sync for the customer',
    });
  const diff = f.billed.round(2, 1).minus(f.expected.round(2, 1));
  if (diff.abs().gt(tolerance(f)))
    flags.push({
      kind: 'differs',
      text: `The PSA bills ${money(f.billed)} where the invoice's seats at the expected retail make ${money(f.expected)} (${diff.gt(0) ? '+' : ''}${diff.toFixed(2)})`,
    });
  if (f.billed.round(2, 1).lt(f.cost.round(2, 1)) && f.cost.gt(0))
    flags.push({
      kind: 'below-cost',
      text: `The PSA bills ${money(f.billed)}, below Microsoft's cost of ${money(f.cost)}`,
    });
  for (const c of f.pendingChanges)
    flags.push({
      kind: 'price-change',
      text: `Microsoft's ${c.what === 'retail' ? 'retail' : 'cost'} unit price changed from ${c.from.toFixed(2)} to ${c.to.toFixed(2)} on ${formatDayMonthYear(c.day)}, inside the period (not prorated): the PSA does not carry ${c.to.toFixed(2)} from ${formatDayMonthYear(firstDayOf(nextPeriod(periodOf(c.day))))} yet`,
    });
  return flags;
}

function offerRow(o: OfferLedger, f: PeriodFigures): ReconOfferRowWire {
  const obs = o.observation;
  return {
    ...toFigures(f),
    offerKey: obs.offerKey,
    title: obs.kind === 'annual' ? `${obs.title} (annual billing)` : obs.title,
    kind: obs.kind,
    productId: obs.productId ?? null,
    seats: f.seats?.toString() ?? null,
    units: f.units?.toString() ?? null,
    flags: offerFlags(obs, f),
    lines: f.shares.map(({ line, amount }) => ({
      invoiceId: line.invoiceId,
      lineNumber: line.lineNumber,
      chargeType: line.chargeType,
      chargeStart: line.chargePeriod.start,
      chargeEnd: addDays(line.chargePeriod.end, -1),
      quantity: line.quantity.toString(),
      unitPrice: line.unitPrice.amount.toString(),
      subtotal: line.subtotal.amount.toString(),
      inPeriod: money(amount),
    })),
  };
}

function customerPeriod(c: CustomerLedger, period: string) {
  const offers = c.offers.flatMap((o) => {
    const f = o.figures.find((x) => x.period === period);
    return f ? [{ o, f }] : [];
  });
  // Each offer's month in cents, as its row shows it and as a PSA bills a line: the customer's and the chart's
  // totals add up the rows (summing unrounded figures made a 1-cent "difference" no row has).
  const sums = offers.reduce((s, { f }) => add(s, inCents(f)), NO_SUMS);
  const rows = offers.map(({ o, f }) => offerRow(o, f));
  const flags = rows.flatMap((r) => r.flags.map((fl) => ({ kind: fl.kind, text: `${r.title}: ${fl.text}` })));
  return { sums, rows, flags };
}

/**
 * Periods with figures, newest first, up to the newest invoice issued (a later month is not decided yet: it is
 * reconciled once its invoice comes).
 */
function periodsOf(ledger: Ledger, imported: readonly string[]): string[] {
  const set = new Set<string>(imported);
  for (const c of ledger.customers) for (const o of c.offers) for (const f of o.figures) set.add(f.period);
  const newest = imported[0];
  return [...set].filter((p) => newest !== undefined && p <= newest).sort((a, b) => (a < b ? 1 : -1));
}

/** The period shown when none is asked for: the newest invoice issued (its month is the one to bill). */
function defaultPeriod(periods: readonly string[], imported: readonly string[]): string | null {
  return imported[0] ?? periods[0] ?? null;
}

function checkPeriod(period: string | undefined): void {
  if (period !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(period))
    throw new AppError('validation_failed', `The period must be written YYYY-MM, not "${period}"`);
}

export async function reconMonth(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  q: { period?: string | undefined; refresh?: boolean | undefined },
): Promise<ReconMonthWire> {
  checkPeriod(q.period);
  const ledger = await ledgerOf(deps, ws, target, q.refresh === true);
  const imported = await invoicePeriods(deps.pool, ws, deps.clock.today());
  const periods = periodsOf(ledger, imported);
  const period = q.period ?? defaultPeriod(periods, imported);
  const customers: ReconCustomerRowWire[] = [];
  let totals = NO_SUMS;
  if (period)
    for (const c of ledger.customers) {
      const { sums, rows, flags } = customerPeriod(c, period);
      if (rows.length === 0) continue;
      totals = add(totals, sums);
      customers.push({
        ...toFigures(sums),
        tenantId: c.tenantId,
        name: c.name,
        contractName: c.mapping.contract_name,
        offers: rows.length,
        flags,
      });
    }
  const leak = period ? await leakageRows(deps, ws, target, ledger, period) : [];
  return {
    target,
    period,
    periods,
    currency: ledger.currency,
    totals: toFigures(totals),
    customers,
    leakage: { total: money(sumDecimals(leak.map((r) => dec(r.cost)))), rows: leak.length },
    computedAt: ledger.computedAt,
    psaCalls: ledger.psaCalls,
  };
}

export async function reconCustomer(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  q: { tenantId: string; period?: string | undefined; refresh?: boolean | undefined },
): Promise<ReconCustomerWire> {
  checkPeriod(q.period);
  const ledger = await ledgerOf(deps, ws, target, q.refresh === true);
  const tenantId = q.tenantId.toLowerCase();
  const c = ledger.customers.find((x) => x.tenantId === tenantId);
  const imported = await invoicePeriods(deps.pool, ws, deps.clock.today());
  if (!c) {
    const known = (await listSourceCustomers(deps.pool, ws)).find((x) => x.tenantId === tenantId);
    if (!known) throw new AppError('not_found', `No Microsoft customer with tenant id ${q.tenantId}`);
    const period = q.period ?? imported[0] ?? null;
    const leak = period
      ? (await leakageRows(deps, ws, target, ledger, period)).filter((r) => r.tenantId === tenantId)
      : [];
    const cost = sumDecimals(leak.map((r) => dec(r.cost)));
    return {
      target,
      period,
      periods: imported,
      tenantId,
      name: known.name,
      contractName: null,
      mapped: false,
      currency: ledger.currency,
      totals: toFigures({ ...NO_SUMS, cost }),
      flags: leak.map((r) => ({ kind: 'problem' as const, text: `${r.title}: ${r.fix}` })),
      offers: [],
      computedAt: ledger.computedAt,
    };
  }
  const periods: string[] = [...new Set(c.offers.flatMap((o) => o.figures.map((f) => f.period)))]
    .filter((p) => imported[0] !== undefined && p <= imported[0])
    .sort((a, b) => (a < b ? 1 : -1));
  const period = q.period ?? (imported.find((p) => periods.includes(p)) || periods[0]) ?? null;
  const { sums, rows, flags } = period ? customerPeriod(c, period) : { sums: NO_SUMS, rows: [], flags: [] };
  return {
    target,
    period,
    periods,
    tenantId,
    name: c.name,
    contractName: c.mapping.contract_name,
    mapped: true,
    currency: ledger.currency,
    totals: toFigures(sums),
    flags,
    offers: rows,
    computedAt: ledger.computedAt,
  };
}

export async function reconChart(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  q: { tenantId?: string | undefined; refresh?: boolean | undefined; months?: number | undefined },
): Promise<ReconChartWire> {
  const ledger = await ledgerOf(deps, ws, target, q.refresh === true);
  const imported = await invoicePeriods(deps.pool, ws, deps.clock.today());
  const last = (imported[0] ?? previousPeriod(periodOf(ledger.asOf))) as BillingPeriod;
  const count = q.months ?? 12;
  const months: BillingPeriod[] = [];
  for (let p = last, i = 0; i < count; i += 1, p = previousPeriod(p)) months.unshift(p);
  const tenantId = q.tenantId?.toLowerCase();
  const customers = tenantId ? ledger.customers.filter((c) => c.tenantId === tenantId) : ledger.customers;
  return {
    target,
    tenantId: tenantId ?? null,
    currency: ledger.currency,
    months: months.map((period) => ({
      period,
      ...toFigures(customers.reduce((s, c) => add(s, customerPeriod(c, period).sums), NO_SUMS)),
    })),
  };
}

// ---------------------------------------------------------------------------------------------- leakage

const FIXES: Record<LeakageRowWire['reason'], { fix: string; action: LeakageRowWire['action'] }> = {
  unmapped: {
    fix: 'Map the customer to its PSA company and contract, then sync',
    action: 'map',
  },
  'sync-off': { fix: 'Turn the customer sync on (or bill it by hand)', action: 'turn-sync-on' },
  'no-product': {
    fix: 'Run the product sync (or adopt the existing PSA product on the Products page), then sync the customer',
    action: 'product-sync',
  },
  error: { fix: 'Open the run, fix what its item says, then sync again', action: 'open-run' },
  'skipped-line': {
    fix: 'One-time charges and credit notes are not synced: bill or credit them by hand in the PSA',
    action: 'bill-manually',
  },
  'azure-off': {
    fix: 'Turn the Azure motion on in the program settings (or bill Azure by hand)',
    action: 'settings',
  },
  'not-synced': { fix: 'Run Sync for the customer: the PSA does not bill this invoice yet', action: 'sync' },
  'before-contract': {
    fix: 'The contract starts after these days: map a contract that covers them, or bill them by hand',
    action: 'map',
  },
};

function leakRow(
  reason: LeakageRowWire['reason'],
  c: { tenantId: string; name: string },
  title: string,
  cost: Decimal,
  extra: { offerKey?: string; runId?: string | undefined; fix?: string } = {},
): LeakageRowWire {
  return {
    reason,
    tenantId: c.tenantId,
    customerName: c.name,
    offerKey: extra.offerKey ?? null,
    title,
    cost: money(cost),
    fix: extra.fix ?? FIXES[reason].fix,
    action: FIXES[reason].action,
    runId: extra.runId ?? null,
  };
}

async function leakageRows(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  ledger: Ledger,
  period: string,
): Promise<LeakageRowWire[]> {
  const [spend, mappings, runs] = await Promise.all([
    spendByCustomer(deps.pool, ws, [period]),
    listMappings(deps.pool, ws, target),
    latestCustomerRuns(deps.pool, ws, target),
  ]);
  const mapped = new Map(mappings.map((m) => [m.tenant_id, m]));
  const reconciled = new Set(ledger.customers.map((c) => c.tenantId));
  const rows: LeakageRowWire[] = [];
  // Customers nobody bills: not mapped, or mapped with the sync off.
  const bySpender = new Map<string, { name: string; cost: Decimal }>();
  for (const s of spend) {
    if (reconciled.has(s.tenant_id)) continue;
    const x = bySpender.get(s.tenant_id) ?? { name: s.customer_name, cost: ZERO };
    x.cost = x.cost.plus(dec(s.cost));
    bySpender.set(s.tenant_id, x);
  }
  for (const [tenantId, x] of bySpender) {
    if (x.cost.eq(0)) continue;
    const m = mapped.get(tenantId);
    const complete = m && m.company_id !== null && m.contract_id !== null;
    rows.push(
      leakRow(
        complete ? 'sync-off' : 'unmapped',
        { tenantId, name: x.name },
        complete ? 'Customer sync is off' : `Not mapped to a ${CONTRACT_WORDS[target].one}`,
        x.cost,
      ),
    );
  }
  // Mapped customers: what the sync cannot bill.
  for (const s of spend) {
    if (!reconciled.has(s.tenant_id)) continue;
    const c = { tenantId: s.tenant_id, name: s.customer_name };
    if (s.category === 'skipped' && !dec(s.cost).eq(0))
      rows.push(leakRow('skipped-line', c, `Not synced: ${s.titles ?? 'one-time lines'}`, dec(s.cost)));
    if (s.category === 'azure' && !ledger.azureMotion && !dec(s.cost).eq(0))
      rows.push(leakRow('azure-off', c, 'Azure usage (the Azure motion is off)', dec(s.cost)));
  }
  for (const c of ledger.customers) {
    for (const o of c.offers) {
      const f = o.figures.find((x) => x.period === period);
      if (!f) continue;
      const obs = o.observation;
      if (obs.kind === 'problem') {
        if (f.cost.eq(0)) continue;
        const reason = obs.productId === undefined ? 'no-product' : 'error';
        rows.push(
          leakRow(reason, c, obs.title, f.cost, {
            offerKey: obs.offerKey,
            runId: runs.get(c.tenantId),
            fix: obs.problem ? `${obs.problem}` : FIXES[reason].fix,
          }),
        );
        continue;
      }
      // Days before the contract start: billsync moves their changes to the start (spec section 6), nobody bills them.
      if (!f.beforeStart.eq(0) && obs.contractStart !== undefined)
        rows.push(
          leakRow('before-contract', c, obs.title, f.beforeStart, {
            offerKey: obs.offerKey,
            fix: `The ${CONTRACT_WORDS[target].one} starts on ${formatDayMonthYear(obs.contractStart)}, after these days: map a ${CONTRACT_WORDS[target].one} that covers them, or bill them by hand`,
          }),
        );
      // An invoice the PSA does not bill yet: the cost not covered by what the PSA carries.
      const unbilled = f.cost.minus(f.billedCost);
      if (f.unsynced && unbilled.gt(tolerance(f)))
        rows.push(leakRow('not-synced', c, obs.title, unbilled, { offerKey: obs.offerKey }));
    }
  }
  return rows.sort((a, b) => dec(b.cost).cmp(dec(a.cost)) || a.customerName.localeCompare(b.customerName));
}

export async function reconLeakage(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  q: { period?: string | undefined; refresh?: boolean | undefined },
): Promise<LeakageWire> {
  checkPeriod(q.period);
  const ledger = await ledgerOf(deps, ws, target, q.refresh === true);
  const imported = await invoicePeriods(deps.pool, ws, deps.clock.today());
  const period = q.period ?? imported[0] ?? null;
  const rows = period ? await leakageRows(deps, ws, target, ledger, period) : [];
  const months = await Promise.all(
    imported
      .slice(0, 12)
      .reverse()
      .map(async (p) => ({
        period: p,
        total: money(sumDecimals((await leakageRows(deps, ws, target, ledger, p)).map((r) => dec(r.cost)))),
      })),
  );
  return {
    target,
    period,
    currency: ledger.currency,
    total: money(sumDecimals(rows.map((r) => dec(r.cost)))),
    rows,
    months,
  };
}

// ---------------------------------------------------------------------------------------------- timeline

/** The segments inside [from, until), neighbours with the same state merged (a PSA keeps a row per period). */
function segmentsWire(segments: readonly StateSegment[], from: PlainDate, until: PlainDate) {
  const out: {
    start: PlainDate;
    end: PlainDate;
    units: string;
    price: string | null;
    cost: string | null;
  }[] = [];
  for (const s of segments) {
    if (s.start >= until || (s.end !== undefined && s.end <= from)) continue;
    const piece = {
      start: s.start < from ? from : s.start,
      end: s.end === undefined || s.end > until ? until : s.end,
      units: s.state.units.toString(),
      price: s.state.price?.toFixed(2) ?? null,
      cost: s.state.cost?.toFixed(2) ?? null,
    };
    const last = out.at(-1);
    if (
      last &&
      last.end === piece.start &&
      last.units === piece.units &&
      last.price === piece.price &&
      last.cost === piece.cost
    )
      last.end = piece.end;
    else out.push(piece);
  }
  return out;
}

export async function reconTimeline(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  q: { tenantId: string; offerKey: string; refresh?: boolean | undefined },
): Promise<TimelineWire> {
  const ledger = await ledgerOf(deps, ws, target, q.refresh === true);
  const tenantId = q.tenantId.toLowerCase();
  const c = ledger.customers.find((x) => x.tenantId === tenantId);
  if (!c)
    throw new AppError(
      'not_found',
      `No mapped customer with sync on and tenant id ${q.tenantId}: the timeline needs a synced contract`,
    );
  const o = c.offers.find((x) => x.observation.offerKey === q.offerKey);
  if (!o)
    throw new AppError(
      'not_found',
      `${c.name} has no offer ${q.offerKey} on the invoices the sync reads: pick one from its reconciliation`,
    );
  const obs = o.observation;
  const starts = [
    obs.decided[0]?.start,
    obs.desired[0]?.start,
    obs.actual[0]?.start,
    ...obs.charges.map((x) => x.date),
    ...obs.lines.map((l) => l.chargePeriod.start),
  ].filter((d): d is PlainDate => d !== undefined);
  const from = starts.length ? starts.reduce((a, b) => (a < b ? a : b)) : firstDayOf(periodOf(ledger.asOf));
  const lastMonth = obs.kind === 'azure' ? nextPeriod(obs.lastPeriod) : obs.lastPeriod;
  const until = firstDayOf(nextPeriod(lastMonth));
  const writes = await writesOfLine(deps.pool, ws, target, tenantId, obs.offerKey);
  return {
    target,
    tenantId,
    customerName: c.name,
    offerKey: obs.offerKey,
    title: obs.title,
    kind: obs.kind,
    contractId: obs.contractId ?? null,
    contractLineId: obs.contractLineId ?? null,
    from,
    until,
    invoice: segmentsWire(obs.desired, from, until),
    psa: segmentsWire(obs.actual, from, until),
    decided: obs.decided
      .filter((r) => r.start < until)
      .map((r) => ({ start: r.start, end: r.end > until ? until : r.end })),
    postedThrough: obs.postedThrough ?? null,
    changeDays: obs.changeDays.filter((d) => d >= from && d < until),
    charges: obs.charges.map((x) => ({
      date: x.date,
      name: x.name,
      amount: money(x.amount),
      cost: money(x.cost),
      billsync: x.billsync,
    })),
    writes: writes.map((w) => {
      const adjust = w.op.kind === 'adjust-contract-line';
      const price = w.op.unitPrice ? ` at ${dec(w.op.unitPrice).toFixed(2)}` : '';
      return {
        runId: w.run_id,
        at: new Date(w.at).toISOString(),
        date: (adjust ? w.op.effectiveDate : w.op.date) ?? '',
        kind: adjust ? ('adjust' as const) : ('charge' as const),
        text: adjust
          ? `Units ${w.op.unitsBefore} → ${w.op.unitsAfter}${price}`
          : `${w.op.name ?? 'Charge'}: ${dec(w.op.amount ?? '0').toFixed(2)}`,
      };
    }),
    months: o.figures.map((f) => ({ period: f.period, ...toFigures(f) })),
  };
}
