import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Decimal, dec, decimalFixed, round, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import { csvLine, csvRecord } from '../../src/sources/partner-center/demo/csv-text';
import { RECON_CSV_COLUMNS } from '../../src/sources/partner-center/demo/recon-csv';
import { usDate } from '../../src/sources/partner-center/files/dates';
import { IDS } from '../support/autotask-world';
import {
  type CliRun,
  type CliScenario,
  createCliScenario,
  runMessages,
  type ScenarioTarget,
  type SyncOutcome,
  showRun,
} from '../support/cli-scenario';
import { CW_IDS } from '../support/connectwise-world';
import {
  AZURE_PLAN_OFFER,
  azurePlanLine,
  BUSINESS_PREMIUM,
  type CustomerSpec,
  guidOf,
  type OfferSpec,
  PARTNER,
  type PriceSpec,
  priceListFile,
  type ReconLineSpec,
  reconFile,
} from '../support/csp-files';
import { BASIC, E3, subscription } from '../support/months-data';

/**
 * Audit of markets and currencies over months (spec sections 1, 4, 6 and 7; csp-billing.md 1.5, 2.1 and 3;
 * docs/vendors/microsoft-csp.md "Normalizing a recon line"; glossary "Offer"). An MSP whose customers are in
 * several countries, each priced by Microsoft in its own market and currency, syncs five monthly invoices
 * (January .. May 2026), each the day after it is issued; after every month what the PSA bills per month equals
 * the invoices to the cent, each customer's line carries its own market's retail and cost, and a re-run writes
 * nothing.
 *
 * Scenario A, a US partner (one invoice a month, in USD), on Autotask and ConnectWise:
 * - Contoso Dental (CustomerCountry US) and Maple Leaf Dental (CustomerCountry CA) both buy Microsoft 365
 *   Business Premium (`CFQ7TTC0LCHC:0002`, P1M). The price list has a US/USD row and a CA/CAD row for it. Maple's
 *   invoice lines are priced in CAD (PricingCurrency CAD, UnitPrice and EffectiveUnitPrice in CAD, csp-billing.md
 *   2.1 #17/#31/#36) and billed in the partner's currency (Currency USD, Subtotal = ROUNDDOWN(EffectiveUnitPrice x
 *   PCToBCExchangeRate, 2) x Quantity, #19/#37).
 * - Azteca Dental (CustomerCountry MX) buys Office 365 E3; the price list the MSP imported first has E3 for the US
 *   market only, so the MX offer has no price-list row: its item is the documented error `Could not find source
 *   product or multiple matches` (spec section 7) while the other customers sync normally. The MSP then imports a
 *   price list with the MX row (before syncing March's invoice): the next sync brings Azteca's January .. March in,
 *   exactly (the invoices stay new for an offer whose item failed: decision 0006, ninth-session addendum).
 *
 * Scenario B, a UK partner (Autotask): Microsoft sends one invoice per billing currency (csp-billing.md 1.5: "If
 * you transact with customers in different currencies you get a separate invoice per currency"), so each month has
 * a GBP invoice (Thames Legal, GB, Business Premium; Azure plan usage in GBP) and a EUR invoice (Rhein Architekten,
 * DE, Office 365 E3, Azure plan usage in EUR; Seine Conseil, FR, Business Basic). Both invoices of a month bill the
 * same period. Azure (spec section 6, R-9): M's usage is one line, 1 unit at M's cost total x (1 + markup) rounded
 * half-up to cents, from the 1st of M+1 to the month's end.
 *
 * What the spec says and what is decided here:
 * - Spec section 1 defines an offer as ProductId + SkuId + term + billing plan, and section 4 names its PSA product
 *   `PC_` + SKU code (ConnectWise: the SKU code). billsync's glossary adds segment, market and currency to the
 *   offer key (docs/glossary.md), and Azure plan is one offer per currency (`azurePlanOffer`), but no document
 *   says what PSA product two markets of one SKU get. The PSA refuses a second product of the same name
 *   (IX_service; ConnectWise: a unique identifier). An MSP expects its US and Canadian customers of one SKU to be
 *   billed, each at its own market's price, without a collision billsync made with itself: the expectation here
 *   is that every customer's sync succeeds and its line carries its market's retail and cost; the PSA keeps one
 *   product per SKU code name.
 * - Which currency the PSA line is in is undocumented: the spec says unit cost = the invoice line's UnitPrice and
 *   unit price = the price list's ERP price for the offer; both are in the customer's pricing currency (CAD for
 *   Maple), so that is what is expected (no conversion).
 */

// ---------------------------------------------------------------------------------------------------------------
// Files: recon lines priced in one currency and billed in another.

interface MarketLine extends ReconLineSpec {
  /** PricingCurrency (default: the billing currency). */
  pricingCurrency?: string;
  /** PCToBCExchangeRate (default 1). */
  rate?: string;
}

const TERM_TEXT = {
  P1M: 'One-Month commitment for monthly billing',
  P1Y: 'One-Year commitment for monthly/yearly billing',
  P3Y: 'Three-Year commitment for monthly/triennial billing',
} as const;

/** A whole month-to-month cycle's end (inclusive) for a cycle starting on `start`. */
const cycleEnd = (start: string) => addDays(addMonths(parsePlainDate(start), 1), -1) as string;

function marketRecord(invoiceNumber: string, s: MarketLine): string {
  const c = s.customer!;
  const o = s.offer!;
  const billing = s.currency ?? 'USD';
  const pricing = s.pricingCurrency ?? billing;
  const rate = dec(s.rate ?? '1');
  // Microsoft's proration (csp-billing.md 4.2): the cycle's price / its days x the days left, to the cent.
  const anchor = s.subscriptionStart ?? s.chargeStart;
  const day = Number(anchor.slice(8, 10));
  const start = parsePlainDate(s.chargeStart);
  let cycleStart = parsePlainDate(`${s.chargeStart.slice(0, 8)}${String(day).padStart(2, '0')}`);
  if (cycleStart > start) cycleStart = addMonths(cycleStart, -1);
  const cycleDays = daysBetweenText(cycleStart, cycleEnd(cycleStart)) + 1;
  const daysLeft = daysBetweenText(s.chargeStart, s.chargeEnd) + 1;
  const eup = round(dec(s.unitPrice).times(daysLeft).div(cycleDays), 2, 'half-up');
  const sign = s.reversal ? -1 : 1;
  const subtotal = round(eup.times(rate), 2, 'down').times(s.quantity).times(sign);
  const money = (v: Decimal) => decimalFixed(v, 2);
  return csvRecord(RECON_CSV_COLUMNS, {
    PartnerId: PARTNER.id,
    CustomerId: c.tenantId,
    CustomerName: c.name,
    CustomerDomainName: c.domain,
    CustomerCountry: c.country,
    InvoiceNumber: invoiceNumber,
    MpnId: PARTNER.mpnId,
    ResellerMpnId: '0',
    OrderId: guidOf(`${invoiceNumber}|${s.chargeStart}|${s.chargeType}|${c.tenantId}`)
      .replace(/-/g, '')
      .slice(0, 24),
    OrderDate: `${usDate(parsePlainDate(s.chargeStart))} 12:00:00 AM`,
    ProductId: o.productId,
    SkuId: o.skuId,
    AvailabilityId: 'CFQ7TTC0MM8R',
    SkuName: o.title,
    ProductName: o.title,
    ChargeType: s.chargeType ?? 'cycleCharge',
    UnitPrice: s.unitPrice,
    Quantity: String(s.quantity),
    Subtotal: money(subtotal),
    TaxTotal: '0.00',
    Total: money(subtotal),
    Currency: billing,
    PriceAdjustmentDescription: '[]',
    PublisherName: 'Microsoft Corporation',
    SubscriptionDescription: o.title,
    SubscriptionId: s.subscriptionId!,
    ChargeStartDate: usDate(start),
    ChargeEndDate: usDate(parsePlainDate(s.chargeEnd)),
    TermAndBillingCycle: TERM_TEXT[o.term],
    EffectiveUnitPrice: eup.toFixed(2),
    UnitType: 'Licenses',
    BillableQuantity: String(s.quantity),
    BillingFrequency: 'Monthly',
    PricingCurrency: pricing,
    PCToBCExchangeRate: rate.toFixed(),
    PCToBCExchangeRateDate: usDate(parsePlainDate(`${s.chargeStart.slice(0, 8)}01`)),
    SubscriptionStartDate: usDate(parsePlainDate(anchor)),
    SubscriptionEndDate: usDate(parsePlainDate(cycleEnd(cycleStart))),
    ReferenceId: guidOf(
      `${invoiceNumber}|${c.tenantId}|${s.chargeStart}|${s.chargeType}|${s.quantity}|${s.reversal}`,
    ),
  });
}

function daysBetweenText(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

function marketReconFile(dir: string, invoiceNumber: string, lines: MarketLine[]): string {
  const path = join(dir, `${invoiceNumber}.csv`);
  writeFileSync(
    path,
    [csvLine(RECON_CSV_COLUMNS), ...lines.map((l) => marketRecord(invoiceNumber, l))].join(''),
  );
  return path;
}

// ---------------------------------------------------------------------------------------------------------------
// The model shared by the scenarios.

const plus = (d: string, n: number) => addDays(parsePlainDate(d), n) as string;
const nextMonth = (m: string) => (addMonths(parsePlainDate(`${m}-01`), 1) as string).slice(0, 7);
const lastDay = (m: string) => plus(`${nextMonth(m)}-01`, -1);
const cents = (x: Decimal | string) => decimalFixed(dec(x), 2);

function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = nextMonth(m)) out.push(m);
  return out;
}

function* eachDayOf(month: string): Generator<string> {
  for (let d = `${month}-01`; d <= lastDay(month); d = plus(d, 1)) yield d;
}

interface Invoice {
  number: string;
  period: string;
  issued: string;
  currency: string;
  lines: MarketLine[];
}

/** A customer of a scenario: its contract, and per offer its market's retail and cost. */
interface Party {
  customer: CustomerSpec;
  company: number;
  contract: number;
  offers: { offer: OfferSpec; retail: string; cost: string }[];
  /** Azure plan usage cost per month (YYYY-MM), in the customer's billing currency. */
  azure?: Record<string, string>;
}

/** Seats of a customer's offer on a day: the signed quantities of the synced lines covering it (spec section 6). */
function seatsOn(lines: readonly MarketLine[], c: CustomerSpec, offer: OfferSpec, day: string): number {
  return lines
    .filter((l) => l.customer === c && l.offer === offer)
    .filter((l) => l.chargeStart <= day && day <= l.chargeEnd)
    .reduce((n, l) => n + (l.reversal ? -l.quantity : l.quantity), 0);
}

/** Seat money of one offer in a month: seat-days x the market's retail / days of the month. */
function seatMoney(lines: readonly MarketLine[], p: Party, offer: OfferSpec, month: string): Decimal {
  const o = p.offers.find((x) => x.offer === offer)!;
  const dim = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
  let seatDays = 0;
  for (const d of eachDayOf(month)) seatDays += seatsOn(lines, p.customer, offer, d);
  return dec(seatDays).times(dec(o.retail)).div(dim);
}

/** Azure money billed in `month`: the previous month's usage x (1 + markup), rounded half-up to cents. */
function azureMoney(p: Party, month: string, markup: string): Decimal {
  const prev = (addMonths(parsePlainDate(`${month}-01`), -1) as string).slice(0, 7);
  const cost = p.azure?.[prev];
  if (!cost) return ZERO;
  return round(dec(cost).times(dec(1).plus(dec(markup).div(100))), 2, 'half-up');
}

// biome-ignore lint/suspicious/noExplicitAny: one scenario type per target.
type AnyScenario = CliScenario<any>;
// biome-ignore lint/suspicious/noExplicitAny: the emulators' state dumps.
type Row = Record<string, any>;

async function emulatorState(s: AnyScenario): Promise<Row> {
  return (await (await fetch(`${s.base}/_emulator/state`)).json()) as Row;
}

/** What the PSA bills the contract in a month, per product name (charges under '(charges)'), and in total. */
async function billedIn(
  s: AnyScenario,
  contract: number,
  month: string,
): Promise<{ total: Decimal; byProduct: Record<string, string> }> {
  if (s.target === 'connectwise') {
    const bill = await s.readback.billedPerMonth(contract, month);
    const byProduct: Record<string, Decimal> = {};
    for (const l of bill.lines as { product: string | null; amount: Decimal }[]) {
      const k = l.product ?? '(charges)';
      byProduct[k] = (byProduct[k] ?? ZERO).plus(l.amount);
    }
    return {
      total: bill.total,
      byProduct: Object.fromEntries(Object.entries(byProduct).map(([k, v]) => [k, cents(v)])),
    };
  }
  const bill = await s.readback.billedPerMonth(contract, month);
  const byProduct: Record<string, Decimal> = {};
  for (const x of bill.services as { serviceName: string; amount: Decimal }[])
    byProduct[plainName(x.serviceName)] = (byProduct[plainName(x.serviceName)] ?? ZERO).plus(x.amount);
  for (const c of bill.charges as { amount: Decimal }[])
    byProduct['(charges)'] = (byProduct['(charges)'] ?? ZERO).plus(c.amount);
  return {
    total: bill.total,
    byProduct: Object.fromEntries(Object.entries(byProduct).map(([k, v]) => [k, cents(v)])),
  };
}

/** The prices and costs the contract's lines carry while they bill seats (units > 0), per product name. */
async function lineFigures(s: AnyScenario, contract: number): Promise<Record<string, string[]>> {
  const out: Record<string, Set<string>> = {};
  const add = (name: string, price: unknown, cost: unknown) => {
    const set = out[name] ?? new Set<string>();
    set.add(`${cents(String(price ?? 0))}/${cents(String(cost ?? 0))}`);
    out[name] = set;
  };
  if (s.target === 'connectwise') {
    for (const a of await s.readback.additions(contract)) {
      if (String(a.serialNumber ?? '').startsWith('billsync-charge:')) continue;
      if (a.quantity.lte(0)) continue;
      add(a.product, a.unitPrice, a.unitCost);
    }
  } else {
    for (const cs of await s.readback.contractServices(contract))
      for (const seg of await s.readback.unitSegments(cs.id))
        if (seg.units.gt(0)) add(plainName(cs.serviceName), seg.price, seg.cost);
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

/** The PSA's product names (Autotask services, ConnectWise catalog identifiers), sorted. */
async function productNames(s: AnyScenario): Promise<string[]> {
  const state = await emulatorState(s);
  const rows: Row[] = s.target === 'connectwise' ? state.catalog : state.Services;
  return rows.map((r) => String(s.target === 'connectwise' ? r.identifier : r.name)).sort();
}

/**
 * A product's name without the market it serves: one SKU sold in several markets is one PSA product per market, the
 * home market's named `PC_<SKU code>`, the others `PC_<SKU code> (CA, CAD)` (decision 0006 addendum, tenth
 * session). A contract holds one market's product of a SKU, so its lines are looked up by the plain name.
 */
const plainName = (name: string) => name.replace(/ \([A-Z]{2,3}(, [A-Z]{3})?\)$/, '');

const nameOf = (target: ScenarioTarget, offer: OfferSpec) =>
  `${target === 'connectwise' ? '' : 'PC_'}${offer.productId}:${offer.skuId}`;

/** The run of a customer in a sync outcome. */
const runOf = (o: SyncOutcome, c: CustomerSpec): CliRun | undefined =>
  o.runs.find((r) => r.tenantId === c.tenantId);

async function runText(s: AnyScenario, r: CliRun | undefined): Promise<string> {
  if (!r) return '(no run)';
  return `${r.status}: ${runMessages(await showRun(s, r.runId)).join(' | ')}`;
}

/** A re-run writes nothing: no PSA write request, each run No Change (or `allowError` customers: an error). */
async function expectRerunWritesNothing(
  s: AnyScenario,
  asOf: string,
  allowError: readonly CustomerSpec[] = [],
): Promise<void> {
  const before = s.writes();
  const again = await s.syncCustomers({ asOf });
  const bad = again.runs.filter(
    (r) =>
      r.writes !== 0 ||
      !(
        r.status === 'no_change' ||
        (r.status === 'error' && allowError.some((c) => c.tenantId === r.tenantId))
      ),
  );
  const texts = await Promise.all(bad.map((r) => runText(s, r)));
  expect
    .soft(
      bad.map((r) => `${r.customerName}: ${r.status}, ${r.writes} writes`),
      texts.join('\n'),
    )
    .toEqual([]);
  expect.soft(s.writes(), 'PSA write requests during the re-run').toBe(before);
}

/** A product sync re-run with nothing new writes nothing (only price and cost follow the list: spec section 4). */
async function expectProductRerunWritesNothing(s: AnyScenario, asOf: string): Promise<void> {
  const before = s.writes();
  const again = await s.syncProducts({ asOf });
  const texts = await Promise.all(
    again.runs.map(async (r) => {
      const d = await showRun(s, r.runId);
      const items = d.lines
        .filter((l) => l.action !== 'no change')
        .map(
          (l) =>
            `${l.label} ${l.action} ${JSON.stringify(l.changes)} ${l.messages.map((m) => m.text).join('; ')}`,
        );
      return `${r.status}: ${items.join(' | ')}`;
    }),
  );
  expect
    .soft(s.writes(), `PSA write requests during a product sync re-run: ${texts.join('\n')}`)
    .toBe(before);
}

// ---------------------------------------------------------------------------------------------------------------
// Scenario A: a US partner with US, Canadian and Mexican customers, one USD invoice a month.

const country = (n: number, name: string, cc: string): CustomerSpec => ({
  tenantId: `4d000000-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`,
  name,
  domain: `${name.toLowerCase().replace(/[^a-z]/g, '')}.onmicrosoft.com`,
  country: cc,
});

const CONTOSO_US = country(1, 'Contoso Dental', 'US');
const MAPLE_CA = country(2, 'Maple Leaf Dental', 'CA');
const AZTECA_MX = country(3, 'Azteca Dental', 'MX');

/** CAD -> USD, fixed by Microsoft per month (PCToBCExchangeRate). */
const CAD_RATE: Record<string, string> = {
  '2026-01': '0.7312',
  '2026-02': '0.7288',
  '2026-03': '0.7351',
  '2026-04': '0.7299',
  '2026-05': '0.7402',
};

const US_BP = subscription(
  CONTOSO_US,
  BUSINESS_PREMIUM,
  '4d00aaaa-0000-4000-8000-000000000001',
  '2026-01-01',
);
const CA_BP_RAW = subscription(
  MAPLE_CA,
  BUSINESS_PREMIUM,
  '4d00aaaa-0000-4000-8000-000000000002',
  '2026-01-10',
);
const MX_E3 = subscription(AZTECA_MX, E3, '4d00aaaa-0000-4000-8000-000000000003', '2026-01-01');

/** Maple's lines: priced in CAD, billed in USD at the rate of the charge start's month. */
const cad = (lines: ReconLineSpec[]): MarketLine[] =>
  lines.map((l) => ({ ...l, pricingCurrency: 'CAD', rate: CAD_RATE[l.chargeStart.slice(0, 7)]! }));

const US_INVOICES: Invoice[] = [
  {
    number: 'G440002601',
    period: '2026-01',
    issued: '2026-02-07',
    currency: 'USD',
    lines: [
      US_BP.cycle('2026-01-01', '2026-01-31', 10, '22.00', { chargeType: 'new' }),
      ...cad([CA_BP_RAW.cycle('2026-01-10', '2026-02-09', 5, '30.00', { chargeType: 'new' })]),
      MX_E3.cycle('2026-01-01', '2026-01-31', 4, '25.00', { chargeType: 'new' }),
    ],
  },
  {
    number: 'G440002602',
    period: '2026-02',
    issued: '2026-03-07',
    currency: 'USD',
    lines: [
      US_BP.cycle('2026-02-01', '2026-02-28', 10, '22.00'),
      ...US_BP.change('2026-02-15', '2026-02-28', 10, 12, '22.00'),
      ...cad([CA_BP_RAW.cycle('2026-02-10', '2026-03-09', 5, '30.00')]),
      MX_E3.cycle('2026-02-01', '2026-02-28', 4, '25.00'),
    ],
  },
  {
    number: 'G440002603',
    period: '2026-03',
    issued: '2026-04-07',
    currency: 'USD',
    lines: [
      US_BP.cycle('2026-03-01', '2026-03-31', 12, '22.00'),
      ...cad([
        CA_BP_RAW.cycle('2026-03-10', '2026-04-09', 5, '30.00'),
        ...CA_BP_RAW.change('2026-03-20', '2026-04-09', 5, 8, '30.00'),
      ]),
      MX_E3.cycle('2026-03-01', '2026-03-31', 4, '25.00'),
      ...MX_E3.change('2026-03-12', '2026-03-31', 4, 6, '25.00'),
    ],
  },
  {
    number: 'G440002604',
    period: '2026-04',
    issued: '2026-05-07',
    currency: 'USD',
    lines: [
      US_BP.cycle('2026-04-01', '2026-04-30', 12, '22.00'),
      ...US_BP.change('2026-04-10', '2026-04-30', 12, 9, '22.00', 'removeQuantity'),
      ...cad([CA_BP_RAW.cycle('2026-04-10', '2026-05-09', 8, '30.00')]),
      MX_E3.cycle('2026-04-01', '2026-04-30', 6, '25.00'),
    ],
  },
  {
    number: 'G440002605',
    period: '2026-05',
    issued: '2026-06-07',
    currency: 'USD',
    lines: [
      US_BP.cycle('2026-05-01', '2026-05-31', 9, '22.00'),
      ...cad([CA_BP_RAW.cycle('2026-05-10', '2026-06-09', 8, '30.00')]),
      MX_E3.cycle('2026-05-01', '2026-05-31', 6, '25.00'),
    ],
  },
];

/** The price list the MSP imports first: Business Premium for US and CA, E3 for the US market only. */
const US_PRICES: PriceSpec[] = [
  { offer: BUSINESS_PREMIUM, cost: '22.00', erp: '26.40', market: 'US', currency: 'USD' },
  { offer: BUSINESS_PREMIUM, cost: '30.00', erp: '36.00', market: 'CA', currency: 'CAD' },
  { offer: E3, cost: '23.00', erp: '27.60', market: 'US', currency: 'USD' },
];
/** The newer price list: the MX row of E3 (Mexico is priced in USD) arrives. */
const US_PRICES_WITH_MX: PriceSpec[] = [
  ...US_PRICES,
  { offer: E3, cost: '25.00', erp: '29.00', market: 'MX', currency: 'USD' },
];
/** The MX row arrives before March's invoice is synced (8 Apr). */
const MX_ROW_ARRIVES = '2026-03';

const NO_SOURCE = 'Could not find source product or multiple matches';

function usParties(target: ScenarioTarget): Party[] {
  const cw = target === 'connectwise';
  return [
    {
      customer: CONTOSO_US,
      company: cw ? CW_IDS.company : IDS.company,
      contract: cw ? CW_IDS.agreement : IDS.contract,
      offers: [{ offer: BUSINESS_PREMIUM, retail: '26.40', cost: '22.00' }],
    },
    {
      customer: MAPLE_CA,
      company: 600,
      contract: 500,
      offers: [{ offer: BUSINESS_PREMIUM, retail: '36.00', cost: '30.00' }],
    },
    {
      customer: AZTECA_MX,
      company: 601,
      contract: 501,
      offers: [{ offer: E3, retail: '29.00', cost: '25.00' }],
    },
  ];
}

describe.each(['autotask', 'connectwise'] as const)(
  'A US partner with US, Canadian and Mexican customers (%s)',
  (target) => {
    let s: AnyScenario;
    const parties = usParties(target);
    const synced: MarketLine[] = [];

    beforeAll(async () => {
      s = await createCliScenario({ target, inProcess: true, seed: { extraCustomers: 2 } } as never);
      await s.setup();
      await s.importPriceList(priceListFile(s.dir, US_PRICES, 'pricelist-1.csv'));
    }, 60_000);

    afterAll(async () => {
      await s?.close();
    });

    for (const inv of US_INVOICES) {
      const asOf = plus(inv.issued, 1);
      const mxKnown = inv.period >= MX_ROW_ARRIVES;
      it(`${inv.period}: each customer billed at its market's price, to the cent; a re-run writes nothing`, async () => {
        if (inv.period === MX_ROW_ARRIVES)
          await s.importPriceList(priceListFile(s.dir, US_PRICES_WITH_MX, 'pricelist-2.csv'));
        await s.importInvoice(marketReconFile(s.dir, inv.number, inv.lines), {
          period: inv.period,
          issued: inv.issued,
        });
        synced.push(...inv.lines);
        if (inv === US_INVOICES[0])
          for (const p of parties)
            await s.map(p.customer.tenantId, {
              company: p.company,
              contract: p.contract,
              syncStart: '2026-02-01',
            });
        const products = await s.syncProducts({ asOf });
        const customers = await s.syncCustomers({ asOf });

        // The US and Canadian customers sync without error, whatever the PSA products are named.
        for (const c of [CONTOSO_US, MAPLE_CA]) {
          const r = runOf(customers, c);
          expect
            .soft(
              r?.status,
              `${c.name}'s run ${await runText(s, r)}\nproducts: ${JSON.stringify(products.runs.map((x) => x.status))}`,
            )
            .toMatch(/^(success|warning|no_change)$/);
        }
        // Mexico: the documented error until its price-list row arrives, then synced.
        const mx = runOf(customers, AZTECA_MX);
        if (!mxKnown) {
          expect.soft(mx?.status, await runText(s, mx)).toBe('error');
          if (mx) expect.soft(runMessages(await showRun(s, mx.runId)).join(' | ')).toContain(NO_SOURCE);
        } else {
          expect.soft(mx?.status, await runText(s, mx)).toMatch(/^(success|warning|no_change)$/);
        }

        // Money per month, per customer, from January (the first charge day) to this invoice's period.
        for (const p of parties) {
          const written = p.customer !== AZTECA_MX || mxKnown;
          for (const month of monthsOf('2026-01', inv.period)) {
            const want = written
              ? p.offers.reduce((t, o) => t.plus(seatMoney(synced, p, o.offer, month)), ZERO)
              : ZERO;
            const got = await billedIn(s, p.contract, month);
            expect
              .soft(cents(got.total), `${p.customer.name} ${month}: ${JSON.stringify(got.byProduct)}`)
              .toBe(cents(want));
          }
          // The line carries the customer's market retail and the invoice's cost (pricing currency).
          if (written) {
            const figures = await lineFigures(s, p.contract);
            expect
              .soft(figures, `${p.customer.name}'s contract lines (price/cost while billing seats)`)
              .toEqual(
                Object.fromEntries(p.offers.map((o) => [nameOf(target, o.offer), [`${o.retail}/${o.cost}`]])),
              );
          }
        }

        // Autotask: one PSA product per market of the SKU, the home market's (USD: most offers) under the plain
        // name, Canada's named after it; ConnectWise: one catalog item per vendor SKU, linked to both markets.
        // No error on the product sync for the markets the list has.
        const names = await productNames(s);
        const plain = nameOf(target, BUSINESS_PREMIUM);
        expect
          .soft(
            names.filter((n) => n.includes(`${BUSINESS_PREMIUM.productId}:${BUSINESS_PREMIUM.skuId}`)),
            `PSA products: ${names.join(', ')}`,
          )
          .toEqual(target === 'connectwise' ? [plain] : [plain, `${plain} (CA, CAD)`]);
        const productRun = products.runs[0];
        if (productRun) {
          const msgs = runMessages(await showRun(s, productRun.runId));
          const errors = msgs.filter((m) => m.startsWith('error') && !m.includes(NO_SOURCE));
          expect.soft(errors, `product sync ${productRun.status}`).toEqual([]);
        }

        await expectRerunWritesNothing(s, asOf, mxKnown ? [] : [AZTECA_MX]);
        await expectProductRerunWritesNothing(s, asOf);
      }, 60_000);
    }
  },
);

// ---------------------------------------------------------------------------------------------------------------
// Scenario B: a UK partner, a GBP invoice and a EUR invoice a month; Azure plan usage in both currencies.

const THAMES_GB = country(11, 'Thames Legal', 'GB');
const RHEIN_DE = country(12, 'Rhein Architekten', 'DE');
const SEINE_FR = country(13, 'Seine Conseil', 'FR');

const GB_BP = subscription(THAMES_GB, BUSINESS_PREMIUM, '4d00bbbb-0000-4000-8000-000000000011', '2026-01-01');
const DE_E3 = subscription(RHEIN_DE, E3, '4d00bbbb-0000-4000-8000-000000000012', '2026-01-05');
const FR_BASIC = subscription(SEINE_FR, BASIC, '4d00bbbb-0000-4000-8000-000000000013', '2026-01-01');

const MARKUP = '10';

/** Azure usage per month; each total x 1.10 ends on a half cent or more, so half-up matters. */
const THAMES_AZURE: Record<string, string> = {
  '2026-01': '40.05', // 44.055 -> 44.06
  '2026-02': '55.15', // 60.665 -> 60.67
  '2026-04': '61.25', // 67.375 -> 67.38
  '2026-05': '33.35', // 36.685 -> 36.69
};
const RHEIN_AZURE: Record<string, string> = {
  '2026-01': '120.45', // 132.495 -> 132.50
  '2026-03': '80.15', // 88.165 -> 88.17
  '2026-04': '95.55', // 105.105 -> 105.11
  '2026-05': '20.05', // 22.055 -> 22.06
};

const azureLine = (month: string, usage: Record<string, string>, c: CustomerSpec, currency: string) =>
  usage[month] ? [{ ...azurePlanLine(month, usage[month]!, c), currency }] : [];

function ukInvoices(): Invoice[] {
  const months = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05'];
  const gbp: Record<string, MarketLine[]> = {
    '2026-01': [GB_BP.cycle('2026-01-01', '2026-01-31', 6, '18.00', { chargeType: 'new' })],
    '2026-02': [
      GB_BP.cycle('2026-02-01', '2026-02-28', 6, '18.00'),
      ...GB_BP.change('2026-02-12', '2026-02-28', 6, 8, '18.00'),
    ],
    '2026-03': [GB_BP.cycle('2026-03-01', '2026-03-31', 8, '18.00')],
    '2026-04': [
      GB_BP.cycle('2026-04-01', '2026-04-30', 8, '18.00'),
      ...GB_BP.change('2026-04-20', '2026-04-30', 8, 7, '18.00', 'removeQuantity'),
    ],
    '2026-05': [GB_BP.cycle('2026-05-01', '2026-05-31', 7, '18.00')],
  };
  const eur: Record<string, MarketLine[]> = {
    '2026-01': [
      DE_E3.cycle('2026-01-05', '2026-02-04', 3, '22.00', { chargeType: 'new' }),
      FR_BASIC.cycle('2026-01-01', '2026-01-31', 10, '5.60', { chargeType: 'new' }),
    ],
    '2026-02': [
      DE_E3.cycle('2026-02-05', '2026-03-04', 3, '22.00'),
      FR_BASIC.cycle('2026-02-01', '2026-02-28', 10, '5.60'),
    ],
    '2026-03': [
      DE_E3.cycle('2026-03-05', '2026-04-04', 3, '22.00'),
      ...DE_E3.change('2026-03-18', '2026-04-04', 3, 4, '22.00'),
      FR_BASIC.cycle('2026-03-01', '2026-03-31', 10, '5.60'),
    ],
    '2026-04': [
      DE_E3.cycle('2026-04-05', '2026-05-04', 4, '22.00'),
      FR_BASIC.cycle('2026-04-01', '2026-04-30', 10, '5.60'),
      ...FR_BASIC.change('2026-04-03', '2026-04-30', 10, 6, '5.60', 'removeQuantity'),
    ],
    '2026-05': [
      DE_E3.cycle('2026-05-05', '2026-06-04', 4, '22.00'),
      FR_BASIC.cycle('2026-05-01', '2026-05-31', 6, '5.60'),
    ],
  };
  return months.flatMap((m, i) => {
    const issued = `${nextMonth(m)}-07`;
    return [
      {
        number: `G55GBP26${String(i + 1).padStart(2, '0')}`,
        period: m,
        issued,
        currency: 'GBP',
        lines: [...gbp[m]!, ...azureLine(m, THAMES_AZURE, THAMES_GB, 'GBP')].map((l) => ({
          ...l,
          currency: 'GBP',
        })),
      },
      {
        number: `G55EUR26${String(i + 1).padStart(2, '0')}`,
        period: m,
        issued,
        currency: 'EUR',
        lines: [...eur[m]!, ...azureLine(m, RHEIN_AZURE, RHEIN_DE, 'EUR')].map((l) => ({
          ...l,
          currency: 'EUR',
        })),
      },
    ];
  });
}

const UK_PRICES: PriceSpec[] = [
  { offer: BUSINESS_PREMIUM, cost: '18.00', erp: '21.60', market: 'GB', currency: 'GBP' },
  { offer: E3, cost: '22.00', erp: '26.40', market: 'DE', currency: 'EUR' },
  { offer: BASIC, cost: '5.60', erp: '6.70', market: 'FR', currency: 'EUR' },
];

const UK_PARTIES: Party[] = [
  {
    customer: THAMES_GB,
    company: IDS.company,
    contract: IDS.contract,
    offers: [{ offer: BUSINESS_PREMIUM, retail: '21.60', cost: '18.00' }],
    azure: THAMES_AZURE,
  },
  {
    customer: RHEIN_DE,
    company: 600,
    contract: 500,
    offers: [{ offer: E3, retail: '26.40', cost: '22.00' }],
    azure: RHEIN_AZURE,
  },
  {
    customer: SEINE_FR,
    company: 601,
    contract: 501,
    offers: [{ offer: BASIC, retail: '6.70', cost: '5.60' }],
  },
];

const AZ_NAME = `PC_${AZURE_PLAN_OFFER.productId}:${AZURE_PLAN_OFFER.skuId}`;

describe('A UK partner: a GBP and a EUR invoice a month, seats and Azure plan in both currencies (autotask)', () => {
  let s: CliScenario<'autotask'>;
  const synced: MarketLine[] = [];
  const invoices = ukInvoices();
  const periods = [...new Set(invoices.map((i) => i.period))];

  beforeAll(async () => {
    s = await createCliScenario({ inProcess: true, seed: { extraCustomers: 2 } });
    await s.setup(['--azure', 'on', '--azure-markup', MARKUP]);
    await s.importPriceList(priceListFile(s.dir, UK_PRICES));
  }, 60_000);

  afterAll(async () => {
    await s?.close();
  });

  for (const period of periods) {
    const mine = invoices.filter((i) => i.period === period);
    const asOf = plus(mine[0]!.issued, 1);
    it(`${period}: both currencies' invoices synced; seats and Azure billed to the cent; a re-run writes nothing`, async () => {
      for (const inv of mine) {
        // Pricing currency = billing currency here: the suite's own writer.
        await s.importInvoice(reconFile(s.dir, inv.number, inv.lines), {
          period: inv.period,
          issued: inv.issued,
        });
        synced.push(...inv.lines.filter((l) => l.offer !== AZURE_PLAN_OFFER));
      }
      if (period === periods[0])
        for (const p of UK_PARTIES)
          await s.map(p.customer.tenantId, {
            company: p.company,
            contract: p.contract,
            syncStart: '2026-02-01',
          });
      const products = await s.syncProducts({ asOf });
      const customers = await s.syncCustomers({ asOf });
      for (const p of UK_PARTIES) {
        const r = runOf(customers, p.customer);
        expect
          .soft(
            r?.status,
            `${p.customer.name}'s run ${await runText(s, r)}\nproduct sync: ${await runText(s, products.runs[0])}`,
          )
          .toMatch(/^(success|warning|no_change)$/);
      }

      // Seats: each offer's money per month (case 2), from January to this period.
      for (const p of UK_PARTIES)
        for (const month of monthsOf('2026-01', period)) {
          const got = await billedIn(s, p.contract, month);
          for (const o of p.offers)
            expect
              .soft(
                got.byProduct[nameOf('autotask', o.offer)] ?? '0.00',
                `${p.customer.name} ${month} seats: ${JSON.stringify(got.byProduct)}`,
              )
              .toBe(cents(seatMoney(synced, p, o.offer, month)));
        }
      // Azure (case 4): M's usage billed in M+1, from February to the month this invoice decides.
      for (const p of UK_PARTIES.filter((x) => x.azure))
        for (const month of monthsOf('2026-02', nextMonth(period))) {
          const got = await billedIn(s, p.contract, month);
          expect
            .soft(
              got.byProduct[AZ_NAME] ?? '0.00',
              `${p.customer.name} ${month} Azure: ${JSON.stringify(got.byProduct)}`,
            )
            .toBe(cents(azureMoney(p, month, MARKUP)));
        }
      // Each contract's totals: nothing else billed (no charges, no other lines).
      for (const p of UK_PARTIES)
        for (const month of monthsOf('2026-01', period)) {
          const got = await billedIn(s, p.contract, month);
          const want = p.offers
            .reduce((t, o) => t.plus(seatMoney(synced, p, o.offer, month)), ZERO)
            .plus(azureMoney(p, month, MARKUP));
          expect
            .soft(cents(got.total), `${p.customer.name} ${month} total: ${JSON.stringify(got.byProduct)}`)
            .toBe(cents(want));
        }
      // Each seat line carries its market's retail and cost.
      for (const p of UK_PARTIES) {
        const figures = await lineFigures(s, p.contract);
        for (const o of p.offers)
          expect
            .soft(figures[nameOf('autotask', o.offer)], `${p.customer.name}: ${JSON.stringify(figures)}`)
            .toEqual([`${o.retail}/${o.cost}`]);
      }
      await expectRerunWritesNothing(s, asOf);
      await expectProductRerunWritesNothing(s, asOf);
    }, 60_000);
  }
});
