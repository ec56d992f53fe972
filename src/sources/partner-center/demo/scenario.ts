import {
  addPeriods,
  type BillingPeriod,
  firstDayOf,
  lastDay,
  type PlainDate,
  periodRange,
  plainDate,
} from '../../../core/time';
import { DEMO_METERS, DEMO_SKUS, type DemoMeter, type DemoSku, findSku, LEGACY_SKU } from './catalog';
import { type DemoCustomer, demoCustomers } from './customers';
import type { DemoPlan, PriceSchedule } from './pricing';
import type { Rng } from './prng';
import { randomSeatEvents } from './random-events';
import type { SeatEvent } from './seat-event';

export type { SeatEvent } from './seat-event';

export interface DemoSubscription {
  id: string;
  customer: DemoCustomer;
  sku: DemoSku;
  plan: DemoPlan;
  /** Purchase date = the anchor of its charge cycles. */
  anchor: PlainDate;
  quantity: number;
  events: SeatEvent[];
  /** Why the scenario has it (scripted events), for tests and docs. */
  story: string | undefined;
}

export interface DemoAzurePlan {
  id: string;
  customer: DemoCustomer;
  entitlements: { id: string; description: string }[];
  meters: DemoMeter[];
}

export interface Scenario {
  periods: BillingPeriod[];
  windowStart: PlainDate;
  windowEnd: PlainDate;
  customers: DemoCustomer[];
  subscriptions: DemoSubscription[];
  azure: DemoAzurePlan[];
  schedule: PriceSchedule;
}

const P1Y_MONTHLY: DemoPlan = { term: 'P1Y', billingPlan: 'Monthly' };
const P1Y_ANNUAL: DemoPlan = { term: 'P1Y', billingPlan: 'Annual' };
const P1M: DemoPlan = { term: 'P1M', billingPlan: 'Monthly' };

/** Day `day` of the period `offset` months from `period` (day clamped to the month). */
function dayOf(period: BillingPeriod, offset: number, day: number): PlainDate {
  const p = addPeriods(period, offset);
  const last = lastDay(periodRange(p))!;
  return plainDate(Number(p.slice(0, 4)), Number(p.slice(5, 7)), Math.min(day, Number(last.slice(8, 10))));
}

/**
 * The demo's customers and subscriptions. Scripted stories (always present, on the first seven customers, modulo
 * the customer count) guarantee each event the demo must show, dated from the end of the window so the last
 * months have changes to sync; random subscriptions and events around them make it look like a real MSP.
 */
export function buildScenario(
  rng: Rng,
  options: { months: number; customers: number; endPeriod: BillingPeriod },
): Scenario {
  const first = addPeriods(options.endPeriod, -(options.months - 1));
  const periods = Array.from({ length: options.months }, (_, i) => addPeriods(first, i));
  const windowStart = firstDayOf(first);
  const windowEnd = lastDay(periodRange(options.endPeriod))!;
  const schedule: PriceSchedule = {
    listStart: firstDayOf(addPeriods(first, -12)),
    increaseOn: firstDayOf(addPeriods(first, Math.floor(options.months / 2))),
  };
  const customers = demoCustomers(options.customers, rng);
  const at = (i: number) => customers[i % customers.length]!;
  const last = options.endPeriod;
  const subscriptions: DemoSubscription[] = [];
  const add = (
    customer: DemoCustomer,
    sku: DemoSku,
    plan: DemoPlan,
    anchor: PlainDate,
    quantity: number,
    events: SeatEvent[],
    story?: string,
  ) => subscriptions.push({ id: rng.guid(), customer, sku, plan, anchor, quantity, events, story });
  const annualStart = options.months >= 4 ? dayOf(last, -3, 1) : windowStart;

  add(
    at(0),
    findSku('CFQ7TTC0LCHC', '0002'),
    P1Y_MONTHLY,
    dayOf(first, -6, 15),
    10,
    [{ date: dayOf(last, 0, 20), kind: 'change', quantity: 12 }],
    'seats added mid-cycle (7.2)',
  );
  add(
    at(1),
    findSku('CFQ7TTC0LDPB', '0001'),
    P1M,
    dayOf(first, -14, 5),
    8,
    [{ date: dayOf(last, -1, 8), kind: 'change', quantity: 6 }],
    'seats removed within 7 days of renewal',
  );
  add(
    at(2),
    findSku('CFQ7TTC0LH16', '0001'),
    P1M,
    dayOf(first, -20, 10),
    5,
    [{ date: dayOf(last, -1, 12), kind: 'cancel' }],
    'cancelled within 7 days of renewal',
  );
  add(
    at(3),
    findSku('CFQ7TTC0LF8R', '0001'),
    P1Y_ANNUAL,
    annualStart,
    20,
    [{ date: dayOf(last, 0, 10), kind: 'change', quantity: 25 }],
    'annual billing, seats added mid-term',
  );
  add(
    at(4),
    findSku('CFQ7TTC0LH18', '0001'),
    P1Y_MONTHLY,
    dayOf(first, -5, 3),
    12,
    [],
    'two subscriptions of one SKU (1)',
  );
  add(
    at(4),
    findSku('CFQ7TTC0LH18', '0001'),
    P1Y_MONTHLY,
    dayOf(first, -2, 22),
    4,
    [],
    'two subscriptions of one SKU (2)',
  );
  add(at(5), LEGACY_SKU, P1Y_MONTHLY, dayOf(first, -9, 9), 12, [], 'legacy SKU missing from the price list');
  add(
    at(6),
    findSku('CFQ7TTC0JN4R', '0002'),
    P1M,
    dayOf(last, 0, 4),
    15,
    [],
    'new subscription in the last month',
  );

  for (const customer of customers) {
    const count = customer.index < 7 ? rng.int(0, 1) : rng.int(1, 3);
    for (let i = 0; i < count; i++) {
      const sku = rng.pick(DEMO_SKUS);
      const plan = rng.chance(0.5) ? P1Y_MONTHLY : rng.chance(0.6) ? P1M : P1Y_ANNUAL;
      const isNew = rng.chance(0.2);
      const anchor = isNew
        ? dayOf(first, rng.int(0, options.months - 1), rng.int(1, 28))
        : dayOf(first, -rng.int(1, 24), rng.int(1, 28));
      const quantity = rng.chance(0.7) ? rng.int(1, 15) : rng.int(16, 60);
      const events = randomSeatEvents(rng, { anchor, plan, quantity, windowStart, windowEnd });
      add(customer, sku, plan, anchor, quantity, events, isNew ? 'new subscription' : undefined);
    }
  }

  const azure: DemoAzurePlan[] = customers
    .filter((c) => c.index === 0 || c.index === 6 || (c.index > 6 && rng.chance(0.3)))
    .map((customer) => ({
      id: rng.guid(),
      customer,
      entitlements: Array.from({ length: rng.int(1, 2) }, (_, i) => ({
        id: rng.guid(),
        description: i === 0 ? 'Production' : 'Development',
      })),
      meters: DEMO_METERS.filter((_, i) => i === 0 || rng.chance(0.6)),
    }));
  return { periods, windowStart, windowEnd, customers, subscriptions, azure, schedule };
}
