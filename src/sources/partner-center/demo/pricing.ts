import type { BillingPlan, TermDuration } from '../../../core/model/source';
import { type Decimal, dec, round } from '../../../core/money';
import type { PlainDate } from '../../../core/time';
import type { DemoSku } from './catalog';

/** The plans the demo sells: P1Y billed annually, P1Y billed monthly, P1M. */
export type DemoPlan = { term: TermDuration; billingPlan: BillingPlan };
export const DEMO_PLANS: readonly DemoPlan[] = [
  { term: 'P1Y', billingPlan: 'Annual' },
  { term: 'P1Y', billingPlan: 'Monthly' },
  { term: 'P1M', billingPlan: 'Monthly' },
];

/** The demo's partner discount on ERP (see catalog.ts). */
const COST_FACTOR = dec('0.9');

/** Cost and retail of one unit for one billing-plan period (a year for P1Y annual, a month otherwise). */
export interface UnitPrices {
  cost: Decimal;
  erp: Decimal;
}

function erpOf(prices: DemoSku['erp'], plan: DemoPlan): Decimal {
  if (plan.term === 'P1M') return dec(prices.p1mMonthly);
  return plan.billingPlan === 'Annual' ? dec(prices.annualMonthly).times(dec(12)) : dec(prices.p1yMonthly);
}

/** When the demo's price increase takes effect: from that day on new terms (and P1M cycles) pay the new price. */
export interface PriceSchedule {
  /** First day the demo price list covers. */
  listStart: PlainDate;
  increaseOn: PlainDate;
}

/** The unit prices valid on `day` (NCE price protection: callers pass the term start for P1Y). */
export function unitPricesAt(
  sku: DemoSku,
  plan: DemoPlan,
  day: PlainDate,
  schedule: PriceSchedule,
): UnitPrices {
  const prices = sku.increasedErp && day >= schedule.increaseOn ? sku.increasedErp : sku.erp;
  const erp = erpOf(prices, plan);
  return { erp, cost: round(erp.times(COST_FACTOR), 2, 'half-up') };
}

/** The price-list windows of a SKU and plan: one open window, or two split by the increase. */
export function priceWindows(
  sku: DemoSku,
  plan: DemoPlan,
  schedule: PriceSchedule,
): { start: PlainDate; end: PlainDate | undefined; prices: UnitPrices }[] {
  const first = unitPricesAt(sku, plan, schedule.listStart, schedule);
  if (!sku.increasedErp) return [{ start: schedule.listStart, end: undefined, prices: first }];
  return [
    { start: schedule.listStart, end: schedule.increaseOn, prices: first },
    {
      start: schedule.increaseOn,
      end: undefined,
      prices: unitPricesAt(sku, plan, schedule.increaseOn, schedule),
    },
  ];
}
