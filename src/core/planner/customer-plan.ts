import type { SeatSegment } from '../derive/seat-steps';
import type { InvoiceHeader, InvoiceLine, OfferKey, PriceListEntry } from '../model/source';
import { offerKeyText, skuCode } from '../model/source';
import { type Decimal, ONE, ZERO } from '../money/decimal';
import type { Money } from '../money/money';
import type {
  PlannedOperation,
  TargetCharge,
  TargetContract,
  TargetContractLine,
  TargetProduct,
  TargetProductRules,
  TargetUnitSegment,
} from '../ports/target';
import {
  applyRule,
  type PriceRule,
  type RuleOffer,
  ruleCovers,
  ruledRetailSpans,
  winningRule,
} from '../price-rules/rules';
import type { LineObservation, PriceChange } from '../reconcile/line-figures';
import { type BillingPeriod, firstDayOf, nextPeriod, periodOf } from '../time/billing-period';
import type { DateRange } from '../time/date-range';
import {
  addDays,
  formatDayMonthYear,
  minDate,
  type PlainDate,
  startOfMonth,
  startOfNextMonth,
} from '../time/plain-date';
import { annualMonths, planAnnualCharges } from './annual-charges';
import { AZURE_PLAN_PRODUCT_ID, azureDesired, azurePlanOffer, isAzureOffer } from './azure-line';
import { clipDays, type DaySet, daySet, firstDay, hasDay, minusDays } from './day-set';
import { desiredSegments } from './desired-line';
import { type OfferSeats, offerSeats } from './offer-seats';
import { followedPrices, type LineWork, planLine } from './plan-line';
import { priceText } from './price-text';
import {
  entriesOfOffer,
  entryOn,
  type PriceSpan,
  periodsFrom,
  priceListSpans,
  pricePerPeriod,
  valueOn,
} from './pricing';
import { productName } from './product-name';
import type { LineCheck, Plan, PlanItem, PricingStrategy, ProgramSettings } from './types';

export const NO_SOURCE_PRODUCT = 'Could not find source product or multiple matches';
export const SKIPPED_LINE = 'skipped: not a standard invoice line';

/** The key of a told price-change warning: the offer and the warning's text. */
export const toldKey = (offerKey: string, text: string) => `${offerKey}\n${text}`;

/** One invoice as the customer sync sees it: the header and this customer's lines. */
export interface CustomerInvoice {
  header: InvoiceHeader;
  lines: readonly InvoiceLine[];
  /** Azure plan usage of this customer on this invoice (the month's cost total), when there is any. */
  azureCost?: Money | undefined;
  /** The pricing currency of that usage (the Azure plan offer's currency), when the usage file says. */
  azureCurrency?: string | undefined;
}

export interface CustomerPlanInput {
  asOf: PlainDate;
  settings: ProgramSettings;
  customer: { tenantId: string; name: string };
  mapping: {
    contractId: string;
    strategy: PricingStrategy;
    /**
     * The strategy was changed after invoices were synced: it sets prices from this day on; the days before keep
     * the prices the earlier strategy wrote (no re-pricing, no corrections). Undefined: every day.
     */
    strategyFrom?: PlainDate | undefined;
    syncStart: PlainDate;
    /** Set once the first sync established it (shown to the user; the decided days govern the writes). */
    firstSyncedDay: PlainDate | undefined;
    /** Shadow first sync asked for (issue 11): applies while no invoice of this customer is synced yet. */
    shadow?: boolean;
    /**
     * Issue 16, decision 0014: `arrears` (default) writes the days the synced invoices decide; `advance` also
     * writes the next month from the seats carried forward, and the next invoice's true-up corrects it.
     */
    billing?: BillingMode;
  };
  /**
   * Every known invoice (headers of invoices without this customer's lines too: they decide Azure months and
   * subscription ends), with this customer's lines; also those before the sync start: reversals net against them.
   */
  invoices: readonly CustomerInvoice[];
  syncedInvoiceIds: ReadonlySet<string>;
  /**
   * Of the synced invoices, the offers still to bring per invoice (their items failed in the run that synced it):
   * for those offers the invoice is new (migration 0020).
   */
  pendingOffers?: ReadonlyMap<string, ReadonlySet<string>> | undefined;
  /** Price-change warnings earlier runs told this customer, as `toldKey(offer key, text)` (migration 0021). */
  toldPriceChanges?: ReadonlySet<string> | undefined;
  /** Price-list entries, any offers (the planner picks the customer's). */
  priceList: readonly PriceListEntry[];
  /** offer key text -> PSA product id (product links). */
  productLinks: ReadonlyMap<string, string>;
  /** offer key text -> PSA contract line id (this customer's line links). */
  lineLinks: ReadonlyMap<string, string>;
  contract: TargetContract | undefined;
  contractLines: readonly TargetContractLine[];
  unitSegments: readonly TargetUnitSegment[];
  /** One-time charges of the mapped contract (billsync's corrections among them). */
  charges: readonly TargetCharge[];
  /** The PSA's products (a line billsync creates starts from its product's price and cost). */
  products: readonly TargetProduct[];
  /** How the PSA names products (the snapshot's; undefined = Autotask's). */
  productRules?: TargetProductRules | undefined;
  /**
   * The customer's annual contract (issue 16, decision 0015: Autotask Fixed Price / ConnectWise one-time
   * agreement) and the charges on it: annual-billed lines are booked there as one-time charges.
   */
  annualContract?: TargetContract | undefined;
  annualCharges?: readonly TargetCharge[] | undefined;
  /** The workspace's price rules (issue 16): they set the retail the contract lines carry. */
  priceRules?: readonly PriceRule[] | undefined;
  /**
   * Days billsync's own adjustments occupy (landed, in doubt, or refused as taken), by `contractId|productId`:
   * locked whatever the PSA shows.
   */
  knownChangeDays?: ReadonlyMap<string, readonly PlainDate[]>;
  /**
   * Of those, the days whose adjustment set the line's price and cost (billsync sends both with every priced
   * change): the row starting there has that price under either Autotask reading (`unitRowPrice`).
   */
  knownPricedDays?: ReadonlyMap<string, readonly PlainDate[]>;
  /**
   * Reconciliation (issue 17): told, per offer, what the plan saw (the wanted state, the PSA's, the invoice lines
   * behind it), so the figures come from the same reading as the writes. Planning is the same without it.
   */
  observe?: (line: LineObservation) => void;
  /**
   * Days of an offer the source contradicts itself on (issue 18: Pax8's invoices against the subscription's
   * history): not written, the item says why, until a pull finds them agreeing.
   */
  holds?: readonly { offerKey: string; days: { start: PlainDate; end: PlainDate }; reason: string }[];
}

/** When the PSA bills a customer's seats: after Microsoft's invoice (arrears) or for the coming month (advance). */
export type BillingMode = 'arrears' | 'advance';

/**
 * Billing in advance (decision 0014): the days up to the end of the month after the latest synced invoice's
 * period are written from the seats carried forward; undefined in arrears or before any invoice.
 */
function advanceHorizon(
  mode: BillingMode | undefined,
  invoices: readonly CustomerInvoice[],
): PlainDate | undefined {
  if (mode !== 'advance' || invoices.length === 0) return undefined;
  const latest = invoices.map((i) => i.header.billingPeriod).reduce((a, b) => (a > b ? a : b));
  return firstDayOf(nextPeriod(nextPeriod(latest)));
}

interface OfferWork {
  offer: OfferKey;
  key: string;
  title: string;
  lines: InvoiceLine[];
}

/** Cost spans from the invoice lines: each positive line's UnitPrice over its charge period; the latest carries on. */
function costSpans(lines: readonly InvoiceLine[]): PriceSpan[] {
  // Lines that start on the same day (two subscriptions of the offer on one cycle, bought at different prices)
  // are ordered by price, then subscription: the higher price wins, whatever the file's row order.
  const positive = lines
    .filter((l) => l.quantity.gt(0))
    .sort(
      (a, b) =>
        (a.chargePeriod.start < b.chargePeriod.start
          ? -1
          : a.chargePeriod.start > b.chargePeriod.start
            ? 1
            : 0) ||
        a.unitPrice.amount.cmp(b.unitPrice.amount) ||
        (a.subscriptionId < b.subscriptionId ? -1 : a.subscriptionId > b.subscriptionId ? 1 : 0),
    );
  return positive.map((l, i) => ({
    start: l.chargePeriod.start,
    end: i === positive.length - 1 ? undefined : l.chargePeriod.end,
    value: l.unitPrice.amount,
  }));
}

const maxDay = (a: PlainDate, b: PlainDate): PlainDate => (a > b ? a : b);

/** Credit lines that are seat changes (netted against the seats); other credits are listed and skipped. */
export const SEAT_CREDITS: readonly string[] = ['cancel', 'cancelimmediate', 'removequantity', 'addquantity'];

/** Azure plan as a price rule sees it (the product id; its title for family rules). */
const azureRuleOffer: RuleOffer = {
  offer: { productId: AZURE_PLAN_PRODUCT_ID, skuId: '0001', segment: 'Commercial' },
  productTitle: 'Microsoft Azure plan',
};

/** Lines that never become contract lines (credit notes, one-off charges): listed, not synced. */
function isSkipped(line: InvoiceLine): boolean {
  return line.kind === 'one_time' || (line.kind === 'credit' && !SEAT_CREDITS.includes(line.chargeType));
}

/**
 * Plans one customer's sync (spec section 6): per offer, the wanted day-by-day state of its contract line (seats
 * from the invoices, price and cost per contract period by the mapping's strategy), written only on the days the
 * synced invoices decide; days the PSA can no longer change get a one-time charge or credit instead. Pure and
 * deterministic: planning again after the operations landed yields no operation.
 */
export function planCustomerSync(input: CustomerPlanInput): Plan {
  const { asOf, customer, mapping, contract } = input;
  const items: PlanItem[] = [];
  const operations: PlannedOperation[] = [];
  const checks: LineCheck[] = [];
  // A shadow first sync compares before anything is written: only while nothing was synced for the customer.
  const shadow = mapping.shadow === true && input.syncedInvoiceIds.size === 0;
  const inScope = input.invoices.filter((i) => i.header.issueDate <= asOf);
  const considered = inScope.filter((i) => i.header.issueDate >= mapping.syncStart);
  const consideredIds = new Set(considered.map((i) => i.header.id));
  const fresh = considered.filter((i) => !input.syncedInvoiceIds.has(i.header.id));
  const label = (title: string) => `${customer.name} / ${title}`;
  const unsyncedInvoiceIds = new Set(fresh.map((i) => i.header.id));
  // Synced invoices an offer's item failed on are still new for that offer (its warnings, its reconciliation).
  const pending = considered.filter((i) => input.pendingOffers?.has(i.header.id));
  const freshFor = (offerKey: string) => {
    const more = pending.filter((i) => input.pendingOffers?.get(i.header.id)?.has(offerKey));
    if (more.length === 0) return { fresh, unsyncedInvoiceIds };
    const all = [...fresh, ...more];
    return { fresh: all, unsyncedInvoiceIds: new Set(all.map((i) => i.header.id)) };
  };
  const reportThrough = periodOf(asOf);
  const observe = input.observe;
  // An offer the sync cannot bill: its Microsoft money, nothing planned, and why (reconciliation's "problem").
  const observeProblem = (
    item: PlanItem,
    view: Pick<LineObservation, 'offerKey' | 'title' | 'productId' | 'lines' | 'azure'>,
  ) =>
    observe?.({
      ...view,
      itemKey: item.key,
      kind: 'problem',
      contractId: contract?.id,
      contractLineId: undefined,
      desired: [],
      actual: [],
      decided: [],
      postedThrough: undefined,
      changeDays: [],
      charges: [],
      unsyncedInvoiceIds: freshFor(view.offerKey).unsyncedInvoiceIds,
      problem: item.messages.find((m) => m.level === 'error' || m.level === 'info')?.text,
      lastPeriod: reportThrough,
    });
  const observeOfferProblem = (work: OfferWork, item: PlanItem, productId: string | undefined) =>
    observeProblem(item, {
      offerKey: work.key,
      title: work.title,
      productId,
      lines: work.lines.filter((l) => consideredIds.has(l.invoiceId) && !isSkipped(l)),
    });
  const itemKey = (offerKey: string) => `${customer.tenantId}:${offerKey}`;

  // Lines that never become contract lines are listed, once, when their invoice is synced.
  for (const inv of fresh) {
    for (const line of inv.lines) {
      if (!isSkipped(line)) continue;
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

  const offers = new Map<string, OfferWork>();
  for (const inv of considered) {
    for (const line of inv.lines) {
      if (line.kind !== 'license' && line.kind !== 'credit') continue;
      if (isSkipped(line)) continue;
      const key = offerKeyText(line.offer);
      if (!offers.has(key))
        offers.set(key, { offer: line.offer, key, title: line.skuTitle || line.productTitle, lines: [] });
    }
  }
  for (const inv of inScope) {
    for (const line of inv.lines) offers.get(offerKeyText(line.offer))?.lines.push(line);
  }
  const azureInvoices = input.settings.motions.azure
    ? considered.filter((i) => i.azureCost !== undefined && !i.azureCost.isZero())
    : [];

  const contractProblem = contractError(contract, asOf);
  // The first charge day of the invoices new to an offer: its price changes from there on are told.
  const freshStartOf = (list: readonly CustomerInvoice[]) =>
    list.length
      ? list.flatMap((i) => i.lines.map((l) => l.chargePeriod.start)).reduce((a, b) => minDate(a, b), asOf)
      : undefined;
  const starts: PlainDate[] = [];
  const advanceEnd = advanceHorizon(mapping.billing, considered);
  const lineBase = (productId: string) => {
    const p = input.products.find((x) => x.id === productId);
    return { price: cents(p?.unitPrice), cost: cents(p?.unitCost) };
  };
  const common = (key: string, title: string, productId: string) => ({
    tenantId: customer.tenantId,
    offerKey: key,
    title,
    productId,
    contract: contract!,
    strategy: mapping.strategy,
    priceFrom: mapping.strategyFrom,
    asOf,
    chargeCodeId: input.settings.chargeCodeId,
    contractLines: input.contractLines,
    unitSegments: input.unitSegments,
    charges: input.charges,
    linkedLineId: input.lineLinks.get(key),
    knownChangeDays: input.knownChangeDays?.get(`${contract?.id}|${productId}`) ?? [],
    knownPricedDays: input.knownPricedDays?.get(`${contract?.id}|${productId}`) ?? [],
    base: lineBase(productId),
    compare: shadow,
    monthChanges: input.settings.monthChanges === true,
  });

  for (const work of [...offers.values()].sort((a, b) => (a.key < b.key ? -1 : 1))) {
    // Annual-billed offers are told apart from the same product billed monthly (their charges go elsewhere).
    const title = work.offer.billingPlan === 'Annual' ? `${work.title} (annual billing)` : work.title;
    const own = freshFor(work.key);
    const item = newItem(itemKey(work.key), label(title), work.key, customer.tenantId);
    items.push(item);
    if (contractProblem) {
      fail(item, contractProblem);
      observeOfferProblem(work, item, input.productLinks.get(work.key));
      continue;
    }
    if (work.offer.billingPlan === 'Annual' && !input.settings.motions.annual) {
      item.status = 'skipped';
      item.action = 'skip';
      item.messages.push({ level: 'info', text: 'skipped: the seat-based annual billing motion is off' });
      observeOfferProblem(work, item, input.productLinks.get(work.key));
      continue;
    }
    const entries = entriesOfOffer(input.priceList, work.key);
    const ambiguous = entries.some((e) => entryOn(entries, e.effective.start) === 'ambiguous');
    if (entries.length === 0 || ambiguous) {
      fail(item, `${NO_SOURCE_PRODUCT} (${skuCode(work.offer)})`);
      observeOfferProblem(work, item, input.productLinks.get(work.key));
      continue;
    }
    const productId = input.productLinks.get(work.key);
    if (!productId) {
      fail(
        item,
        `The product ${productName(input.settings, work.offer, input.productRules)} is not linked in the PSA yet: run the product sync first (if a product of that name already exists, adopt it on the Products tab)`,
      );
      observeOfferProblem(work, item, undefined);
      continue;
    }
    if (work.offer.billingPlan === 'Annual') {
      planAnnual(input, work, productId, item, operations, consideredIds, entries, {
        unsyncedInvoiceIds: own.unsyncedInvoiceIds,
        lastPeriod: reportThrough,
        problem: () => observeOfferProblem(work, item, productId),
      });
      continue;
    }
    const seats = offerSeats({
      invoices: inScope,
      syncedInvoiceIds: consideredIds,
      customerTenantId: customer.tenantId,
      offer: work.offer,
    });
    const first = firstDay(seats.decided);
    if (first === undefined) continue;
    starts.push(first);
    // What the invoices synced before this run showed (computed only when a change must be told once).
    let before: OfferSeats | undefined;
    const shownBefore = (day: PlainDate, change: Decimal) => {
      if (own.fresh.length === 0) return true;
      before ??= offerSeats({
        invoices: inScope.filter((i) => !own.unsyncedInvoiceIds.has(i.header.id)),
        syncedInvoiceIds: new Set([...consideredIds].filter((id) => !own.unsyncedInvoiceIds.has(id))),
        customerTenantId: customer.tenantId,
        offer: work.offer,
      });
      const b = before;
      return (
        hasDay(b.decided, day) &&
        seatsOn(b.segments, day)
          .minus(seatsOn(b.segments, addDays(day, -1)))
          .eq(change)
      );
    };
    // In advance, the coming month is decided by the seats carried forward (the next invoice trues it up).
    // On a PSA whose lines change only on a 1st (ConnectWise), a 1st a synced line bills is decided even while
    // another subscription of the offer carries its seats there: its month's price is the synced invoice's
    // and the invoice that bills the carried seats edits that 1st's addition in place, at no cost.
    const planned = daySet([
      ...seats.decided,
      ...(advanceEnd !== undefined && first < advanceEnd ? [{ start: first, end: advanceEnd }] : []),
      ...(contract?.changesOn === 'month-start' ? billedFirsts(seats.billed, first) : []),
    ]);
    // Days the source contradicts itself on are not written: the PSA keeps what it has there (issue 18).
    const held = (input.holds ?? []).filter((h) => h.offerKey === work.key);
    const decided = minusDays(
      planned,
      held.map((h) => h.days),
    );
    for (const h of held)
      if (planned.some((r) => r.start < h.days.end && h.days.start < r.end))
        item.messages.push({ level: 'warning', text: `${h.reason}: not written until the two agree` });
    const through =
      advanceEnd !== undefined && first < advanceEnd
        ? maxDay(seats.through ?? first, addDays(advanceEnd, -1))
        : (seats.through ?? first);
    const list = priceListSpans(entries);
    // Price rules set the retail from the price list's cost or list retail (decision 0013); none: the list retail.
    const retail = ruledRetailSpans(
      input.priceRules ?? [],
      customer.tenantId,
      { offer: work.offer, productTitle: entries[0]?.productTitle ?? work.title },
      list.cost,
      list.retail,
    );
    const cost = costSpans(work.lines);
    const retailOf = memo((p: BillingPeriod) => pricePerPeriod(retail, p));
    const costOf = memo((p: BillingPeriod) => pricePerPeriod(cost, p));
    const lastPeriod = periodOf(through);
    // Prices are those of the periods a synced line bills (or, in advance, the coming month); later ones keep the
    // last such period's. A subscription's end decides its seats, not the price of a month no synced invoice bills
    // yet (spec section 6, "Write only what is decided"): another subscription may carry seats into it.
    const billedThrough = seats.billed.at(-1) && addDays(seats.billed.at(-1)!.end, -1);
    const pricedThrough =
      advanceEnd !== undefined && first < advanceEnd
        ? maxDay(billedThrough ?? first, addDays(advanceEnd, -1))
        : (billedThrough ?? first);
    // PSAs bill in cents: prices and costs go to the contract rounded half-up to 2 decimals (decision 0006).
    const desired = desiredSegments(seats.segments, first, periodOf(pricedThrough), (p) => ({
      price: cents(retailOf(p)?.value),
      cost: cents(costOf(p)?.value),
    }));
    // Mid-period price changes: told once (spec section 6, R-8), by a run that syncs an invoice billing the change's
    // day or the first day of the next period (where the new price starts: a change made after the invoice that
    // billed its period in advance was synced is told with the next one), or, when the synced invoices already
    // decide that first day, by the first run that sees the change (it writes the new price); unless an earlier run
    // told it (`toldPriceChanges`, migration 0021). Only for the prices the mapping's strategy keeps following
    // (decision 0013 addendum): the warning says the period keeps the old price and the next one takes the new.
    const priceChanges: PriceChange[] = [];
    const warned = followedPrices(mapping.strategy);
    const freshStart = freshStartOf(own.fresh);
    for (const p of periodsFrom(first, lastPeriod)) {
      for (const [what, spans] of [
        ['cost', cost],
        ['retail', retail],
      ] as const) {
        for (const c of pricePerPeriod(spans, p)?.changes ?? []) {
          const nextStart = firstDayOf(nextPeriod(p));
          // A synced line bills a seat from the change's day to the next period's first day (also while another
          // subscription of the offer carries its seats there, or when the seats start later in the period): the
          // period keeps the old price for them, the synced invoices' to tell. Or the day is decided and the line
          // carries a seat from it (in advance). No seat at all (a subscription that ended before the change):
          // the change prices nothing billed, nothing to tell (decision 0008, fourteenth-session addendum).
          const billedDay = hasDay(seats.billed, c.day);
          // The next period's first day counts only with the change's day billed (a subscription that starts on
          // it takes the new price: nothing to tell).
          const until = billedDay ? nextStart : addDays(nextStart, -1);
          const told =
            billedSeatsWithin(seats.segments, seats.billed, c.day, until) ||
            (hasDay(decided, c.day) && seatsWithin(seats.segments, c.day, until));
          if (!told && !hasDay(decided, c.day) && !billedDay) continue;
          priceChanges.push({ day: c.day, what, from: c.from, to: c.to });
          if (!warned[what] || !told) continue;
          const byInvoice = freshStart !== undefined && (c.day >= freshStart || nextStart >= freshStart);
          // A change learnt after the invoices deciding its next period were synced: told by the run writing it.
          if (!byInvoice && !hasDay(decided, nextStart)) continue;
          const text = `Subscription ${what} unit price changed from ${priceText(c.from)} to ${priceText(c.to)} on ${formatDayMonthYear(c.day)}`;
          if (input.toldPriceChanges?.has(toldKey(work.key, text))) continue;
          item.messages.push({ level: 'warning', text });
        }
      }
    }
    planLine(
      {
        ...common(work.key, work.title, productId),
        desired,
        decided,
        through,
        shownBefore,
        observe:
          observe &&
          ((view) =>
            observe({
              ...view,
              itemKey: item.key,
              offerKey: work.key,
              title: work.title,
              kind: 'seats',
              productId,
              contractId: contract?.id,
              desired,
              lines: work.lines.filter((l) => consideredIds.has(l.invoiceId)),
              unsyncedInvoiceIds: own.unsyncedInvoiceIds,
              priceChanges,
              lastPeriod: reportThrough,
            })),
      },
      item,
      operations,
      checks,
    );
  }

  if (azureInvoices.length > 0) {
    const azure = azurePlanOffer(azureCurrency(azureInvoices));
    const key = offerKeyText(azure);
    const item = newItem(itemKey(key), label('Azure plan'), key, customer.tenantId);
    const azureFresh = freshFor(key);
    items.push(item);
    const productId = input.productLinks.get(key);
    const azureMonths = azureInvoices.map((i) => ({
      period: i.header.billingPeriod,
      invoiceId: i.header.id,
      cost: i.azureCost!.amount,
    }));
    const azureView = {
      itemKey: item.key,
      offerKey: key,
      title: 'Azure plan',
      productId,
      contractId: contract?.id,
      lines: [],
      unsyncedInvoiceIds: azureFresh.unsyncedInvoiceIds,
      azure: azureMonths,
      lastPeriod: reportThrough,
    };
    if (contractProblem) fail(item, contractProblem);
    else if (!productId)
      fail(item, 'The Azure plan product is not in the PSA yet: run the product sync first');
    if (contractProblem || !productId) observeProblem(item, azureView);
    else {
      // A price rule covering Azure plan prices each month's usage (basis: its cost); else the program's markup.
      const rules = (input.priceRules ?? []).filter((r) => ruleCovers(r, customer.tenantId, azureRuleOffer));
      const desired = azureDesired(
        azureInvoices,
        rules.length === 0
          ? input.settings.azureMarkupPercent
          : (cost, day) => {
              const rule = winningRule(rules, customer.tenantId, azureRuleOffer, day);
              return rule
                ? applyRule(rule, cost, cost)
                : cost.times(ONE.plus(input.settings.azureMarkupPercent.div(100))).round(2, 1);
            },
      );
      // Each first-of-month is decided by one invoice: M's invoice decides M+1 (spec section 6, R-9).
      const decided = daySet(
        considered.map((i) => {
          const start = firstDayOf(nextPeriod(i.header.billingPeriod));
          return { start, end: firstDayOf(nextPeriod(nextPeriod(i.header.billingPeriod))) };
        }),
      );
      const first = desired[0]?.start;
      const azureDecided = first === undefined ? decided : clipDays(decided, first, undefined);
      if (first) starts.push(first);
      const through = addDays(decided.at(-1)?.end ?? asOf, -1);
      planLine(
        {
          ...common(key, 'Azure plan', productId),
          // M's usage is billed on the 1st of M+1, decided by M's invoice: a strategy changed after it applies a
          // month later than on seats.
          priceFrom: mapping.strategyFrom && startOfNextMonth(mapping.strategyFrom),
          desired,
          decided: azureDecided,
          through,
          byMonth: contract!.azureByMonth,
          // Each first-of-month is told by the invoice that decides it.
          shownBefore: (day) =>
            !azureFresh.fresh.some((i) => {
              const start = firstDayOf(nextPeriod(i.header.billingPeriod));
              return start <= day && day < firstDayOf(nextPeriod(nextPeriod(i.header.billingPeriod)));
            }),
          observe: observe && ((view) => observe({ ...view, ...azureView, kind: 'azure', desired })),
        },
        item,
        operations,
        checks,
      );
    }
  }
  if (!input.settings.motions.azure && contract && !contractProblem) {
    for (const currency of invoiceCurrencies(considered)) {
      const key = offerKeyText(azurePlanOffer(currency));
      const productId = input.productLinks.get(key);
      if (!productId) continue;
      const onContract = input.contractLines.filter(
        (l) => l.contractId === contract.id && l.productId === productId,
      );
      const line = onContract.find((l) => l.id === input.lineLinks.get(key)) ?? onContract[0];
      if (!line || onContract.length > 1) continue;
      // The Azure plan motion is off (spec section 3): billsync bills no more usage, but a line it left at 1 would
      // bill the last synced month again every month (R-9: "billed once, 0 the next period"). The 1st of M+1 that
      // M's invoice decides goes back to 0 where the line only carries an earlier month's usage; a 1st with a
      // change of its own keeps what was written (usage billed while the motion was on).
      const own = new Set([
        ...(line.changeDays ?? []),
        ...(input.knownChangeDays?.get(`${contract.id}|${productId}`) ?? []),
      ]);
      const carried = freshFor(key)
        .fresh.map((i) => firstDayOf(nextPeriod(i.header.billingPeriod)))
        .filter((day) => !own.has(day) && !unitsOn(input.unitSegments, line.id, day).eq(ZERO));
      if (carried.length === 0) continue;
      const item = newItem(itemKey(key), label('Azure plan'), key, customer.tenantId);
      items.push(item);
      const from = carried.reduce((a, b) => minDate(a, b));
      const decided = daySet(
        carried.map((start) => ({ start, end: firstDayOf(nextPeriod(periodOf(start))) })),
      );
      item.messages.push({
        level: 'warning',
        text: `The Azure plan motion is off: the Azure plan line goes back to 0 from ${formatDayMonthYear(from)}, so it does not bill an earlier month's usage again; billsync bills no Azure usage while the motion is off`,
      });
      planLine(
        {
          ...common(key, 'Azure plan', productId),
          desired: [
            { start: from, end: undefined, state: { units: ZERO, price: undefined, cost: undefined } },
          ],
          decided,
          through: addDays(decided.at(-1)!.end, -1),
          shownBefore: () => true,
        },
        item,
        operations,
        checks,
      );
    }
  }
  if (contract && !contractProblem && !shadow)
    planDroppedOffers(input, contract, inScope, considered, offers, advanceEnd, {
      common,
      newItem: (key, title) => newItem(itemKey(key), label(title), key, customer.tenantId),
      items,
      operations,
      checks,
    });
  const firstSyncedDay =
    mapping.firstSyncedDay ?? (starts.length ? starts.reduce((a, b) => minDate(a, b)) : undefined);
  const note = items.length === 0 ? nothingToSync(input, inScope, considered) : undefined;
  return {
    operations,
    items,
    // The invoices new to any offer: the run that brings them in marks them (pending ones again, with what is left).
    invoiceIds: [...fresh, ...pending].map((i) => i.header.id),
    firstSyncedDay,
    checks,
    ...(shadow && operations.length > 0 ? { shadow: true } : {}),
    ...(note ? { note } : {}),
  };
}

/**
 * Spec section 6, "Corrected invoices": an offer billsync wrote to (its journal has adjustments of the product on
 * this contract) that no invoice of the customer bills any more (a re-issue dropped every line of it) goes back to
 * 0 seats from the first day billsync wrote, on the days the synced invoices decide (to the end of the latest one's
 * period; in advance, the coming month too). Without it the offer is never planned and its line keeps billing.
 * Only when the plan changes something: an offer long at 0 adds no item to every run. Not Azure (its own motion),
 * not an offer any invoice line still names (before the sync start too: skipped lines, other subscriptions).
 */
function planDroppedOffers(
  input: CustomerPlanInput,
  contract: NonNullable<CustomerPlanInput['contract']>,
  inScope: readonly CustomerInvoice[],
  considered: readonly CustomerInvoice[],
  offers: ReadonlyMap<string, OfferWork>,
  advanceEnd: PlainDate | undefined,
  out: {
    common: (
      key: string,
      title: string,
      productId: string,
    ) => Omit<LineWork, 'desired' | 'decided' | 'through' | 'shownBefore'>;
    newItem: (key: string, title: string) => PlanItem;
    items: PlanItem[];
    operations: PlannedOperation[];
    checks: LineCheck[];
  },
): void {
  if (considered.length === 0) return;
  const named = new Set(inScope.flatMap((i) => i.lines.map((l) => offerKeyText(l.offer))));
  const latest = considered.map((i) => i.header.billingPeriod).reduce((a, b) => (a > b ? a : b));
  let end = firstDayOf(nextPeriod(latest));
  if (advanceEnd !== undefined && advanceEnd > end) end = advanceEnd;
  // A PSA product several offers share (ConnectWise links every market of a SKU to one catalog item) is still
  // billed while any offer the invoices name maps to it; and each product is planned once.
  const billed = new Set(
    [...named, ...offers.keys()].map((k) => input.productLinks.get(k)).filter((p) => p !== undefined),
  );
  for (const [key, productId] of [...input.productLinks].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (offers.has(key) || named.has(key) || key.startsWith(`${AZURE_PLAN_PRODUCT_ID}|`)) continue;
    if (billed.has(productId)) continue;
    billed.add(productId);
    // The source contradicts itself about the offer (issue 18): nothing is written until the two agree.
    if (input.holds?.some((h) => h.offerKey === key)) continue;
    const written = input.knownChangeDays?.get(`${contract.id}|${productId}`) ?? [];
    if (written.length === 0) continue;
    const from = written.reduce((a, b) => minDate(a, b));
    if (from >= end) continue;
    // The offer's title as its lines had it (the price list's, when the batch read its entries), else the PSA
    // product's description (the product sync writes the offer's title there), else its name.
    const entry = entriesOfOffer(input.priceList, key)[0];
    const product = input.products.find((p) => p.id === productId);
    const title =
      (entry && (entry.skuTitle || entry.productTitle)) || product?.description || product?.name || key;
    const item = out.newItem(key, title);
    const operations: PlannedOperation[] = [];
    const checks: LineCheck[] = [];
    // Before planning: the item's status counts it (kept only when the plan changes the line).
    item.messages.push({
      level: 'warning',
      text: `No imported invoice bills ${title} for this customer any more (a corrected invoice dropped it): its contract line goes back to 0 from ${formatDayMonthYear(from)}`,
    });
    planLine(
      {
        ...out.common(key, title, productId),
        desired: [{ start: from, end: undefined, state: { units: ZERO, price: undefined, cost: undefined } }],
        decided: daySet([{ start: from, end }]),
        through: addDays(end, -1),
        shownBefore: () => true,
      },
      item,
      operations,
      checks,
    );
    if (operations.length === 0) continue;
    out.items.push(item);
    out.operations.push(...operations);
    out.checks.push(...checks);
  }
}

/** Why a customer sync has nothing to do, in words (issue 13: a sync start that explains itself). */
function nothingToSync(
  input: CustomerPlanInput,
  inScope: readonly CustomerInvoice[],
  considered: readonly CustomerInvoice[],
): string {
  const start = formatDayMonthYear(input.mapping.syncStart);
  if (inScope.length === 0)
    return `No Microsoft invoice issued up to ${formatDayMonthYear(input.asOf)} is imported yet: import the invoice files or pull them from Partner Center`;
  if (considered.length === 0) {
    const latest = [...inScope].sort((a, b) => (a.header.issueDate < b.header.issueDate ? 1 : -1))[0]!;
    return `The latest imported invoice (${latest.header.id}) was issued on ${formatDayMonthYear(latest.header.issueDate)}, before this customer's sync start (${start}): nothing to sync. Move the sync start back to include it, or wait for the next invoice`;
  }
  return `The invoices issued since this customer's sync start (${start}) bill nothing for it: nothing to sync`;
}

/** Annual-billed lines go to the annual contract as one-time charges (decision 0015). */
function planAnnual(
  input: CustomerPlanInput,
  work: OfferWork,
  productId: string,
  item: PlanItem,
  operations: PlannedOperation[],
  consideredIds: ReadonlySet<string>,
  entries: readonly PriceListEntry[],
  view: { unsyncedInvoiceIds: ReadonlySet<string>; lastPeriod: BillingPeriod; problem: () => void },
): void {
  const annual = input.annualContract;
  if (!annual) {
    fail(
      item,
      'Annual billing is on but the customer has no annual contract: choose one in the mapping dialog (Autotask: a Fixed Price contract; ConnectWise: an agreement billed one time), then sync again',
    );
    view.problem();
    return;
  }
  const { tenantId } = input.customer;
  const list = priceListSpans(entries);
  const retail = ruledRetailSpans(
    input.priceRules ?? [],
    tenantId,
    { offer: work.offer, productTitle: entries[0]?.productTitle ?? work.title },
    list.cost,
    list.retail,
  );
  const product = input.products.find((p) => p.id === productId);
  const setsRetail = input.mapping.strategy === 'cost-and-retail';
  const lines = work.lines.filter(
    (l) => consideredIds.has(l.invoiceId) && (l.kind === 'license' || l.kind === 'credit') && !isSkipped(l),
  );
  const existing = (input.annualCharges ?? []).filter(
    (c) => c.contractId === annual.id && c.productId === productId,
  );
  input.observe?.({
    itemKey: item.key,
    offerKey: work.key,
    title: work.title,
    kind: 'annual',
    productId,
    contractId: annual.id,
    contractLineId: undefined,
    desired: [],
    actual: [],
    decided: [],
    postedThrough: annual.postedThrough,
    changeDays: [],
    charges: existing,
    lines,
    unsyncedInvoiceIds: view.unsyncedInvoiceIds,
    // Expected: the price list and price rules retail, whatever the strategy lets billsync write.
    annual: annualMonths(lines, (day) => valueOn(retail, day)),
    lastPeriod: view.lastPeriod,
  });
  planAnnualCharges(
    {
      tenantId,
      offerKey: work.key,
      title: work.title,
      productId,
      contract: annual,
      chargeCodeId: input.settings.chargeCodeId,
      lines,
      // Strategies that leave prices alone bill the PSA product's price (spec section 5).
      retailOn: (day) => (setsRetail ? valueOn(retail, day) : product?.unitPrice),
      keepBookedPrices: !setsRetail,
      monthChanges: input.settings.monthChanges === true,
      existing: existing.filter((c) => c.billsync),
    },
    item,
    operations,
  );
}

function newItem(key: string, label: string, offerKey: string, tenantId: string): PlanItem {
  return {
    key,
    label,
    action: 'adjust',
    status: 'no_change',
    messages: [],
    offerKey,
    customerTenantId: tenantId,
  };
}

function fail(item: PlanItem, text: string): void {
  item.status = 'error';
  item.action = 'error';
  item.messages.push({ level: 'error', text });
}

/** The currency of the Azure plan offer: the recon's pricing currency when a line says, else the invoice's. */
function azureCurrency(invoices: readonly CustomerInvoice[]): string {
  for (const i of invoices) {
    const l = i.lines.find((x) => x.kind === 'azure_usage' || isAzureOffer(x.offer));
    if (l) return l.offer.currency;
  }
  return invoices[0]!.azureCurrency ?? invoices[0]!.azureCost!.currency;
}

/** Every currency the customer's invoices bill in: where an Azure plan line may have been written. */
function invoiceCurrencies(invoices: readonly CustomerInvoice[]): Set<string> {
  const out = new Set<string>();
  for (const i of invoices) {
    for (const l of i.lines) out.add(l.offer.currency);
    if (i.azureCurrency) out.add(i.azureCurrency);
    if (i.azureCost) out.add(i.azureCost.currency);
  }
  return out;
}

/** The units a PSA line holds on a day (0 outside its rows). */
function unitsOn(segments: CustomerPlanInput['unitSegments'], lineId: string, day: PlainDate): Decimal {
  return segments.find((s) => s.contractLineId === lineId && s.start <= day && day < s.end)?.units ?? ZERO;
}

/** The 1st of every month from `from` on that a day set has, each as a one-day range. */
function billedFirsts(days: DaySet, from: PlainDate): DateRange[] {
  const out: DateRange[] = [];
  for (const r of days)
    for (let m = startOfMonth(r.start); m < r.end; m = startOfNextMonth(m))
      if (m >= r.start && m >= from) out.push({ start: m, end: addDays(m, 1) });
  return out;
}

/** Whether a day of `billed` from `from` to `to` (inclusive) has a seat. */
function billedSeatsWithin(
  segments: readonly SeatSegment[],
  billed: DaySet,
  from: PlainDate,
  to: PlainDate,
): boolean {
  const end = addDays(to, 1);
  return billed.some((r) => {
    const a = r.start > from ? r.start : from;
    const b = r.end < end ? r.end : end;
    return a < b && seatsWithin(segments, a, addDays(b, -1));
  });
}

/** Whether the seat timeline has seats (or nets off zero) on any day from `from` to `to`, both included. */
function seatsWithin(segments: readonly SeatSegment[], from: PlainDate, to: PlainDate): boolean {
  return segments.some((s) => s.start <= to && (s.end === undefined || from < s.end) && !s.seats.eq(0));
}

/** The seats of a timeline on a day (0 outside it). */
function seatsOn(segments: readonly SeatSegment[], day: PlainDate): Decimal {
  return segments.find((s) => s.start <= day && (s.end === undefined || day < s.end))?.seats ?? ZERO;
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
