import { type Decimal, dec, round, ZERO } from '../../../core/money';
import { type BillingPeriod, daysOf, lastDay, type PlainDate, periodRange } from '../../../core/time';
import type { DemoMeter } from './catalog';
import type { Rng } from './prng';
import type { DemoAzurePlan } from './scenario';

/** One day of one meter of one Azure subscription (a row of the daily-rated usage file). */
export interface DemoUsageRow {
  plan: DemoAzurePlan;
  entitlement: { id: string; description: string };
  meter: DemoMeter;
  usageDate: PlainDate;
  quantity: Decimal;
  unitPrice: Decimal;
  cost: Decimal;
}

/** The Azure plan line of the recon file: a customer's month of one meter, summed over days and subscriptions. */
export interface DemoAzureLine {
  plan: DemoAzurePlan;
  meter: DemoMeter;
  periodStart: PlainDate;
  periodEnd: PlainDate;
  quantity: Decimal;
  unitPrice: Decimal;
  subtotal: Decimal;
}

/**
 * A month of Azure usage of one Azure plan. The daily cost follows the usage formula of csp-billing.md 2.1,
 * ROUNDDOWN(EffectiveUnitPrice x quantity, 2) at exchange rate 1; the invoice line of a meter is the sum of its
 * daily costs, so the recon file and the usage file agree to the cent.
 */
export function simulateAzureMonth(
  plan: DemoAzurePlan,
  period: BillingPeriod,
  rng: Rng,
): { rows: DemoUsageRow[]; lines: DemoAzureLine[] } {
  const range = periodRange(period);
  const rows: DemoUsageRow[] = [];
  const lines: DemoAzureLine[] = [];
  for (const meter of plan.meters) {
    const unitPrice = dec(meter.unitPrice);
    let quantity = ZERO;
    let subtotal = ZERO;
    for (const entitlement of plan.entitlements) {
      for (const usageDate of daysOf(range)) {
        const q = dec(meter.perDay.step).times(dec(rng.int(meter.perDay.min, meter.perDay.max)));
        const cost = round(unitPrice.times(q), 2, 'down');
        rows.push({ plan, entitlement, meter, usageDate, quantity: q, unitPrice, cost });
        quantity = quantity.plus(q);
        subtotal = subtotal.plus(cost);
      }
    }
    lines.push({
      plan,
      meter,
      periodStart: range.start,
      periodEnd: lastDay(range)!,
      quantity,
      unitPrice,
      subtotal,
    });
  }
  return { rows, lines };
}
