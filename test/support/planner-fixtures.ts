import type { InvoiceLine, OfferKey, PriceListEntry } from '../../src/core/model/source';
import { offerKeyText } from '../../src/core/model/source';
import { dec } from '../../src/core/money/decimal';
import { Money } from '../../src/core/money/money';
import { azurePlanOffer } from '../../src/core/planner/azure-line';
import type { BillingMode, CustomerInvoice, CustomerPlanInput } from '../../src/core/planner/customer-plan';
import { planCustomerSync, toldKey } from '../../src/core/planner/customer-plan';
import type { Plan, PricingStrategy, ProgramSettings } from '../../src/core/planner/types';
import { firstDayOf, nextPeriod, parseBillingPeriod } from '../../src/core/time/billing-period';
import { type PlainDate, parsePlainDate } from '../../src/core/time/plain-date';
import type { FakeTarget } from './fake-target';
import { d, line, offer, TENANT } from './seat-lines';

export { d, line, offer, TENANT };

export const SETTINGS: ProgramSettings = {
  syncEnabled: true,
  mode: 'in-use',
  motions: { monthly: true, annual: false, azure: true },
  billingCodeId: '29682801',
  vendorId: '0',
  namePrefix: 'PC_',
  azureMarkupPercent: dec('10'),
};

export const AZURE: OfferKey = {
  productId: 'DZH318Z0BPS6',
  skuId: '0001',
  term: 'P1M',
  billingPlan: 'Monthly',
  segment: 'Commercial',
  market: 'US',
  currency: 'USD',
};

export function priceEntry(
  o: OfferKey,
  cost: string,
  retail: string,
  start = '2024-01-01',
  end?: string,
): PriceListEntry {
  return {
    offer: o,
    productTitle: 'Microsoft 365 Business Premium',
    skuTitle: 'Microsoft 365 Business Premium',
    cost: Money.of(cost, 'USD'),
    retail: Money.of(retail, 'USD'),
    effective: { start: parsePlainDate(start), end: end ? parsePlainDate(end) : undefined },
    unitOfMeasure: '1 License',
    tags: ['License'],
  };
}

/** An invoice for a billing period, issued on the 7th of the next month (Microsoft's calendar). */
export function inv(id: string, period: string, lines: InvoiceLine[], azureCost?: string): CustomerInvoice {
  const p = parseBillingPeriod(period);
  return {
    header: {
      id,
      billingPeriod: p,
      issueDate: parsePlainDate(`${firstDayOf(nextPeriod(p)).slice(0, 8)}07`),
      currency: 'USD',
      datesFrom: 'source',
    },
    lines: lines.map((l, i) => ({ ...l, invoiceId: id, lineNumber: i + 1 })),
    azureCost: azureCost === undefined ? undefined : Money.of(azureCost, 'USD'),
  };
}

export interface Scenario {
  target: FakeTarget;
  contractId: string;
  productId: string;
  azureProductId?: string;
  invoices: CustomerInvoice[];
  priceList: PriceListEntry[];
  strategy?: PricingStrategy;
  syncStart?: string;
  settings?: ProgramSettings;
  /** Billing in arrears (default) or in advance (issue 16). */
  billing?: BillingMode;
  /** Days the source contradicts itself on (issue 18). */
  holds?: CustomerPlanInput['holds'];
  /** The price-change warnings told so far (the engine's `told_price_changes`); syncOnce keeps what it tells. */
  told?: Set<string>;
}

/** Plans against the fake target's current state, as the engine would. */
export async function planFor(
  s: Scenario,
  asOf: string,
  synced: ReadonlySet<string> = new Set(),
  firstSyncedDay?: PlainDate,
  observe?: CustomerPlanInput['observe'],
): Promise<Plan> {
  const snap = await s.target.readState();
  const input: CustomerPlanInput = {
    asOf: d(asOf),
    settings: s.settings ?? SETTINGS,
    customer: { tenantId: TENANT, name: 'Contoso Dental' },
    mapping: {
      contractId: s.contractId,
      strategy: s.strategy ?? 'cost-and-retail',
      syncStart: d(s.syncStart ?? '2025-08-01'),
      firstSyncedDay,
      ...(s.billing ? { billing: s.billing } : {}),
    },
    invoices: s.invoices,
    syncedInvoiceIds: synced,
    priceList: s.priceList,
    productLinks: new Map([
      [offerKeyText(offer()), s.productId],
      ...(s.azureProductId
        ? ([[offerKeyText(azurePlanOffer('USD')), s.azureProductId]] as [string, string][])
        : []),
    ]),
    lineLinks: new Map(),
    contract: snap.contracts.find((c) => c.id === s.contractId),
    contractLines: snap.contractLines,
    unitSegments: snap.unitSegments,
    charges: snap.charges ?? [],
    products: snap.products,
    ...(observe ? { observe } : {}),
    ...(s.holds ? { holds: s.holds } : {}),
    ...(s.told ? { toldPriceChanges: s.told } : {}),
  };
  return planCustomerSync(input);
}

/** Plan, apply every operation to the fake, and return the plan (the engine's happy path). */
export async function syncOnce(
  s: Scenario,
  asOf: string,
  synced: Set<string>,
  state: { first?: PlainDate },
): Promise<Plan> {
  s.told ??= new Set();
  const plan = await planFor(s, asOf, synced, state.first);
  for (const op of plan.operations) s.target.applyNow(op);
  for (const id of plan.invoiceIds) synced.add(id);
  if (plan.firstSyncedDay) state.first ??= plan.firstSyncedDay;
  // As the engine's finished run keeps them (recordToldPriceChanges): warnings of items that did not fail.
  for (const item of plan.items) {
    if (!s.told || item.status === 'error' || item.offerKey === undefined) continue;
    for (const m of item.messages)
      if (m.level === 'warning' && m.text.startsWith('Subscription '))
        s.told.add(toldKey(item.offerKey, m.text));
  }
  return plan;
}

/**
 * csp-billing.md 7.2: Business Premium, charge cycle 15 Jul - 14 Aug 2025, 10 seats, then 12 from 20 Jul (Microsoft's
 * reversal of the 10 plus a new line for 12 over the remaining days). The seat change most tests start from.
 */
export function julySeatChangeLines(): InvoiceLine[] {
  return [
    line({ start: '2025-07-15', last: '2025-08-14', qty: 10, unitPrice: '20.00', subtotal: '200.00' }),
    line({
      start: '2025-07-20',
      last: '2025-08-14',
      qty: 10,
      sign: -1,
      chargeType: 'addquantity',
      unitPrice: '20.00',
      subtotal: '-167.74',
    }),
    line({
      start: '2025-07-20',
      last: '2025-08-14',
      qty: 12,
      chargeType: 'addquantity',
      unitPrice: '20.00',
      subtotal: '201.29',
    }),
  ];
}

/** A seat change as Microsoft invoices it: the old quantity reversed and the new one over the rest of the cycle. */
export function seatChange(
  start: string,
  last: string,
  before: number,
  after: number,
  chargeType: 'addquantity' | 'removequantity' = 'addquantity',
  unitPrice = '20.00',
): InvoiceLine[] {
  const common = { start, last, chargeType, unitPrice };
  return [
    line({ ...common, qty: before, sign: -1, subtotal: '-1' }),
    ...(after > 0 ? [line({ ...common, qty: after, subtotal: '1' })] : []),
  ];
}
