import { seatTimeline } from '../derive/seat-timeline';
import type { InvoiceHeader, InvoiceLine, OfferKey, PriceListEntry } from '../model/source';
import { offerKeyText, skuCode } from '../model/source';
import { type Decimal, ZERO } from '../money/decimal';
import type { Money } from '../money/money';
import type {
  PlannedOperation,
  TargetContract,
  TargetContractLine,
  TargetUnitSegment,
} from '../ports/target';
import { type BillingPeriod, firstDayOf, nextPeriod, periodOf } from '../time/billing-period';
import { addDays, formatDayMonthYear, minDate, type PlainDate } from '../time/plain-date';
import { azureDesired, isAzureOffer } from './azure-line';
import { desiredSegments } from './desired-line';
import { diffLine, type LineAdjustment } from './diff-line';
import { type StateSegment, stateAt } from './line-state';
import { priceText } from './price-text';
import { entryOn, type PriceSpan, periodsFrom, priceListSpans, pricePerPeriod } from './pricing';
import type { Plan, PlanItem, PricingStrategy, ProgramSettings } from './types';

export const NO_SOURCE_PRODUCT = 'Could not find source product or multiple matches';
export const SKIPPED_LINE = 'skipped: not a standard invoice line';

/** One invoice as the customer sync sees it: the header and this customer's lines. */
export interface CustomerInvoice {
  header: InvoiceHeader;
  lines: readonly InvoiceLine[];
  /** Azure plan usage of this customer on this invoice (the month's cost total), when there is any. */
  azureCost?: Money | undefined;
}

export interface CustomerPlanInput {
  asOf: PlainDate;
  settings: ProgramSettings;
  customer: { tenantId: string; name: string };
  mapping: {
    contractId: string;
    strategy: PricingStrategy;
    syncStart: PlainDate;
    /** Set once the first sync established it; the PSA mirrors the seat timeline from this day on. */
    firstSyncedDay: PlainDate | undefined;
  };
  /** Every known invoice with this customer's lines (also those before the sync start: reversals net against them). */
  invoices: readonly CustomerInvoice[];
  syncedInvoiceIds: ReadonlySet<string>;
  /** Price-list entries, any offers (the planner picks the customer's). */
  priceList: readonly PriceListEntry[];
  /** offer key text -> PSA product id (product links). */
  productLinks: ReadonlyMap<string, string>;
  /** offer key text -> PSA contract line id (this customer's line links). */
  lineLinks: ReadonlyMap<string, string>;
  contract: TargetContract | undefined;
  contractLines: readonly TargetContractLine[];
  unitSegments: readonly TargetUnitSegment[];
}

interface OfferWork {
  offer: OfferKey;
  key: string;
  title: string;
  lines: InvoiceLine[];
}

function actualSegments(segments: readonly TargetUnitSegment[]): StateSegment[] {
  return segments
    .map((s) => ({
      start: s.start,
      end: s.end as PlainDate | undefined,
      state: { units: s.units, price: s.price, cost: s.cost },
    }))
    .sort((a, b) => (a.start < b.start ? -1 : 1));
}

/** Cost spans from the invoice lines: each positive line's UnitPrice over its charge period; the latest carries on. */
function costSpans(lines: readonly InvoiceLine[]): PriceSpan[] {
  const positive = lines
    .filter((l) => l.quantity.gt(0))
    .sort((a, b) => (a.chargePeriod.start < b.chargePeriod.start ? -1 : 1));
  return positive.map((l, i) => ({
    start: l.chargePeriod.start,
    end: i === positive.length - 1 ? undefined : l.chargePeriod.end,
    value: l.unitPrice.amount,
  }));
}

/**
 * Plans one customer's sync (spec section 6): the wanted day-by-day state of each contract line (seats from the
 * invoices, price and cost per contract period by the mapping's strategy), compared with what the PSA will bill,
 * and the fewest effective-dated adjustments that make them equal. Pure and deterministic: planning again after
 * the operations landed yields no operation.
 */
export function planCustomerSync(input: CustomerPlanInput): Plan {
  const { asOf, customer, mapping, contract } = input;
  const items: PlanItem[] = [];
  const operations: PlannedOperation[] = [];
  const inScope = input.invoices.filter((i) => i.header.issueDate <= asOf);
  const considered = inScope.filter((i) => i.header.issueDate >= mapping.syncStart);
  const fresh = considered.filter((i) => !input.syncedInvoiceIds.has(i.header.id));
  const newest = [...considered].sort((a, b) =>
    a.header.billingPeriod < b.header.billingPeriod ? 1 : -1,
  )[0];
  const label = (title: string) => `${customer.name} / ${title}`;
  const itemKey = (offerKey: string) => `${customer.tenantId}:${offerKey}`;

  // Lines that never become contract lines are listed, once, when their invoice is synced.
  for (const inv of fresh) {
    for (const line of inv.lines) {
      if (
        line.kind === 'one_time' ||
        (line.kind === 'credit' &&
          !['cancel', 'cancelimmediate', 'removequantity', 'addquantity'].includes(line.chargeType))
      ) {
        items.push({
          key: `${itemKey(offerKeyText(line.offer))}:${inv.header.id}:${line.lineNumber}`,
          label: label(`${line.productTitle} (${line.chargeType}, invoice ${inv.header.id})`),
          action: 'skip',
          status: 'skipped',
          messages: [{ level: 'info', text: SKIPPED_LINE }],
          offerKey: offerKeyText(line.offer),
          customerTenantId: customer.tenantId,
        });
      }
    }
  }

  const offers = new Map<string, OfferWork>();
  for (const inv of considered) {
    for (const line of inv.lines) {
      if (line.kind !== 'license' && line.kind !== 'credit') continue;
      if (
        line.kind === 'credit' &&
        !['cancel', 'cancelimmediate', 'removequantity', 'addquantity'].includes(line.chargeType)
      )
        continue;
      const key = offerKeyText(line.offer);
      const work = offers.get(key) ?? {
        offer: line.offer,
        key,
        title: line.skuTitle || line.productTitle,
        lines: [],
      };
      offers.set(key, work);
    }
  }
  for (const inv of inScope) {
    for (const line of inv.lines) offers.get(offerKeyText(line.offer))?.lines.push(line);
  }
  const azureInvoices = input.settings.motions.azure
    ? considered.filter((i) => i.azureCost !== undefined && !i.azureCost.isZero())
    : [];
  const azureOffer = considered
    .flatMap((i) => i.lines)
    .find((l) => l.kind === 'azure_usage' || isAzureOffer(l.offer))?.offer;

  if (!newest || (offers.size === 0 && azureInvoices.length === 0)) {
    return {
      operations,
      items,
      invoiceIds: fresh.map((i) => i.header.id),
      firstSyncedDay: mapping.firstSyncedDay,
    };
  }

  // The first synced day: the earliest charge day the synced invoices bring (fixed once stored on the mapping).
  const starts = [
    ...considered.flatMap((i) =>
      i.lines.filter((l) => l.kind === 'license').map((l) => l.chargePeriod.start),
    ),
    ...azureInvoices.map((i) => firstDayOf(nextPeriod(i.header.billingPeriod))),
  ];
  const firstSyncedDay = mapping.firstSyncedDay ?? starts.reduce((a, b) => minDate(a, b), asOf);

  const contractProblem = contractError(contract, asOf);
  const freshStart = fresh.length
    ? fresh.flatMap((i) => i.lines.map((l) => l.chargePeriod.start)).reduce((a, b) => minDate(a, b), asOf)
    : undefined;

  for (const work of [...offers.values()].sort((a, b) => (a.key < b.key ? -1 : 1))) {
    const item: PlanItem = {
      key: itemKey(work.key),
      label: label(work.title),
      action: 'adjust',
      status: 'no_change',
      messages: [],
      offerKey: work.key,
      customerTenantId: customer.tenantId,
    };
    items.push(item);
    if (contractProblem) {
      item.status = 'error';
      item.action = 'error';
      item.messages.push({ level: 'error', text: contractProblem });
      continue;
    }
    if (work.offer.billingPlan === 'Annual' && !input.settings.motions.annual) {
      item.status = 'skipped';
      item.action = 'skip';
      item.messages.push({ level: 'info', text: 'skipped: the seat-based annual billing motion is off' });
      continue;
    }
    const entries = input.priceList.filter((e) => offerKeyText(e.offer) === work.key);
    const ambiguous = entries.some((e) => entryOn(entries, e.effective.start) === 'ambiguous');
    if (entries.length === 0 || ambiguous) {
      item.status = 'error';
      item.action = 'error';
      item.messages.push({ level: 'error', text: `${NO_SOURCE_PRODUCT} (${skuCode(work.offer)})` });
      continue;
    }
    const productId = input.productLinks.get(work.key);
    if (!productId) {
      item.status = 'error';
      item.action = 'error';
      item.messages.push({
        level: 'error',
        text: `The product ${input.settings.namePrefix}${skuCode(work.offer)} is not linked in the PSA yet: run the product sync first (if a product of that name already exists, adopt it on the Products tab)`,
      });
      continue;
    }
    const timeline = seatTimeline(
      inScope.map((i) => ({ header: i.header, lines: i.lines })),
      {
        customerTenantId: customer.tenantId,
        offer: work.offer,
        from: firstSyncedDay,
        upToInvoiceId: newest.header.id,
      },
    );
    const retail = priceListSpans(entries).retail;
    const cost = costSpans(work.lines);
    const retailOf = memo((p: BillingPeriod) => pricePerPeriod(retail, p));
    const costOf = memo((p: BillingPeriod) => pricePerPeriod(cost, p));
    const lastChange = timeline.changes.at(-1)?.day ?? firstSyncedDay;
    const lastPeriod: BillingPeriod = periodOf(lastChange > asOf ? lastChange : asOf);
    // PSAs bill in cents: prices and costs go to the contract rounded half-up to 2 decimals (decision 0006).
    const desired = desiredSegments(timeline.segments, firstSyncedDay, lastPeriod, (p) => ({
      price: cents(retailOf(p)?.value),
      cost: cents(costOf(p)?.value),
    }));
    // Mid-period price changes: reported once, when the invoice that shows them is synced (spec section 6, R-8).
    if (freshStart) {
      for (const p of periodsFrom(firstSyncedDay, lastPeriod)) {
        for (const [what, spans] of [
          ['cost', cost],
          ['retail', retail],
        ] as const) {
          for (const c of pricePerPeriod(spans, p)?.changes ?? []) {
            if (c.day < freshStart) continue;
            item.messages.push({
              level: 'warning',
              text: `Subscription ${what} unit price changed from ${priceText(c.from)} to ${priceText(c.to)} on ${formatDayMonthYear(c.day)}`,
            });
          }
        }
      }
    }
    planLine(input, item, operations, {
      fresh: freshStart !== undefined,
      offerKey: work.key,
      productId,
      desired,
      firstSyncedDay: firstSyncedDay,
      contract: contract!,
    });
  }

  if (azureInvoices.length > 0 && azureOffer) {
    const key = offerKeyText(azureOffer);
    const item: PlanItem = {
      key: itemKey(key),
      label: label('Azure plan'),
      action: 'adjust',
      status: 'no_change',
      messages: [],
      offerKey: key,
      customerTenantId: customer.tenantId,
    };
    items.push(item);
    const productId = input.productLinks.get(key);
    if (contractProblem) {
      item.status = 'error';
      item.action = 'error';
      item.messages.push({ level: 'error', text: contractProblem });
    } else if (!productId) {
      item.status = 'error';
      item.action = 'error';
      item.messages.push({
        level: 'error',
        text: `The Azure plan product is not in the PSA yet: run the product sync first`,
      });
    } else {
      const desired = azureDesired(azureInvoices, input.settings.azureMarkupPercent);
      planLine(input, item, operations, {
        fresh: freshStart !== undefined,
        offerKey: key,
        productId,
        desired,
        firstSyncedDay: desired[0]?.start ?? firstSyncedDay,
        contract: contract!,
      });
    }
  }
  return { operations, items, invoiceIds: fresh.map((i) => i.header.id), firstSyncedDay };
}

function memo<K, V>(fn: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, fn(key));
    return cache.get(key) as V;
  };
}

function cents(value: Decimal | undefined): Decimal | undefined {
  return value === undefined ? undefined : value.round(2, 1);
}

function contractError(contract: TargetContract | undefined, asOf: PlainDate): string | undefined {
  if (!contract)
    return 'The mapped contract was not found in the PSA: pick the contract again in the mapping';
  if (contract.endDate !== undefined && contract.endDate < asOf) {
    return `Contract ${contract.name} ended on ${formatDayMonthYear(contract.endDate)}: extend its end date in the PSA, then sync again`;
  }
  return undefined;
}

interface LineWork {
  /** Warnings about the data (changes moved to the contract start) are reported with new invoices only. */
  fresh: boolean;
  offerKey: string;
  productId: string;
  desired: StateSegment[];
  firstSyncedDay: PlainDate;
  contract: TargetContract;
}

function planLine(
  input: CustomerPlanInput,
  item: PlanItem,
  operations: PlannedOperation[],
  w: LineWork,
): void {
  const { contract } = w;
  const linked = input.lineLinks.get(w.offerKey);
  const onContract = input.contractLines.filter(
    (l) => l.contractId === contract.id && l.productId === w.productId,
  );
  const line =
    onContract.find((l) => l.id === linked) ?? (onContract.length === 1 ? onContract[0] : undefined);
  if (!line && onContract.length > 1) {
    item.status = 'error';
    item.action = 'error';
    item.messages.push({
      level: 'error',
      text: `The contract has ${onContract.length} lines for this product: remove the duplicates in the PSA or link one`,
    });
    return;
  }
  const strategy = input.mapping.strategy;
  const fresh = line === undefined;
  const syncPrice = strategy === 'cost-and-retail' || (strategy === 'none-on-update' && fresh);
  const syncCost = syncPrice || strategy === 'cost-only';
  const actual = actualSegments(line ? input.unitSegments.filter((s) => s.contractLineId === line.id) : []);
  const from = w.firstSyncedDay < contract.startDate ? contract.startDate : w.firstSyncedDay;
  const until = contract.endDate ? addDays(contract.endDate, 1) : undefined;
  let adjustments = diffLine(w.desired, actual, { from, until, syncPrice, syncCost });
  if (w.fresh && w.firstSyncedDay < contract.startDate) {
    const early = w.desired.filter(
      (s) =>
        s.start < contract.startDate && !s.state.units.eq(stateAt(w.desired, addDays(s.start, -1)).units),
    );
    for (const s of early) {
      item.messages.push({
        level: 'warning',
        text: `Seat change on ${formatDayMonthYear(s.start)} is before the contract start: moved to the contract start date ${formatDayMonthYear(contract.startDate)}`,
      });
    }
  }
  const posted = input.unitSegments.filter((s) => s.posted && line && s.contractLineId === line.id);
  const blocked = adjustments.filter((a) =>
    posted.some((p) => p.start <= a.effectiveDate && a.effectiveDate < p.end),
  );
  for (const a of blocked) {
    item.messages.push({
      level: 'error',
      text: `The change on ${formatDayMonthYear(a.effectiveDate)} falls in a period the PSA has already approved and posted: un-post that period, then sync again`,
    });
  }
  adjustments = adjustments.filter((a) => !blocked.includes(a));
  for (const a of adjustments) operations.push(toOperation(input, w, line, a));
  if (line) item.targetId = line.id;
  item.changes = adjustments.map((a) => ({
    field: `units from ${a.effectiveDate}`,
    from: a.unitsBefore.toString(),
    to: `${a.unitsAfter.toString()}${a.unitPrice !== undefined ? ` @ ${a.unitPrice.toString()}` : ''}${a.unitCost !== undefined ? ` (cost ${a.unitCost.toString()})` : ''}`,
  }));
  // What the line bills per month at the as-of date, before and after: the money delta of the preview.
  const before = stateAt(actual, input.asOf);
  const after = stateAt(w.desired, input.asOf);
  const afterPrice = syncPrice ? after.price : before.price;
  item.monthlyBefore = before.units.times(before.price ?? ZERO).toFixed();
  item.monthlyDelta = after.units
    .times(afterPrice ?? ZERO)
    .minus(before.units.times(before.price ?? ZERO))
    .toFixed();
  const errors = item.messages.some((m) => m.level === 'error');
  const warnings = item.messages.some((m) => m.level === 'warning');
  item.status = errors ? 'error' : warnings ? 'warning' : adjustments.length ? 'ok' : 'no_change';
  item.action = adjustments.length ? (fresh ? 'add line' : 'adjust') : 'no change';
}

function toOperation(
  input: CustomerPlanInput,
  w: LineWork,
  line: TargetContractLine | undefined,
  a: LineAdjustment,
): PlannedOperation {
  return {
    kind: 'adjust-contract-line',
    key: `adjust:${input.customer.tenantId}:${w.offerKey}:${a.effectiveDate}`,
    customerTenantId: input.customer.tenantId,
    offerKey: w.offerKey,
    contractId: w.contract.id,
    productId: w.productId,
    contractLineId: line?.id,
    effectiveDate: a.effectiveDate,
    unitChange: a.unitChange,
    unitPrice: a.unitPrice,
    unitCost: a.unitCost,
    unitsBefore: a.unitsBefore,
    unitsAfter: a.unitsAfter,
  };
}
