/**
 * The demo partner account (`--seed demo`): 25 companies over the 12 months before the emulator's today, generated
 * (not written row by row) with a fixed pseudo-random sequence, so the same today gives the same seed.
 * It has month-to-month, 1-year billed monthly and annual-billed subscriptions, mid-month seat increases and
 * decreases, a mid-month start, a cancellation, an upgrade, add-ons, Azure usage on five companies (including the
 * current month, for usage summaries) and one corrected invoice.
 */

import { addDays, addMonths, DEMO_BUSINESSES, startOfMonth } from '../../kit';
import type { SeatProductKey, SeatTerm } from './catalog';
import type { Pax8Seed } from './model';
import { pax8Scenario } from './scenario';

export const DEMO_CREDENTIALS = { clientId: 'demo-pax8-client', clientSecret: 'demo-pax8-secret' };

/**
 * Pax8 company names: the kit's demo businesses (the PSA demos'); the first two are written as their Microsoft
 * tenants are.
 */
export const DEMO_COMPANIES: ReadonlyArray<{ name: string; city: string; state: string }> =
  DEMO_BUSINESSES.map((b, i) => ({
    name: i < 2 ? (b.tenantHint ?? b.name) : b.name,
    city: b.city,
    state: b.state,
  }));
/** Indexes of DEMO_COMPANIES with a story. */
export const DEMO_STORIES = {
  /** Upgrades Business Standard to Business Premium mid-month, month 6. */
  upgrade: 2,
  /** Cancels its main subscription mid-month, month 7. */
  cancellation: 5,
  /** Summit Legal Partners: its month-9 invoice line was billed 2 seats too many; the invoice is corrected (Credited + reissued). */
  correction: 7,
  /** Starts mid-month in month 2. */
  midMonthStart: 9,
  /** Bill-on-behalf (Pax8 invoices the customer). */
  billOnBehalf: 11,
  /** Azure plans. */
  azure: [0, 4, 10, 15, 20],
} as const;

/** mulberry32: a tiny deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const MAIN_PRODUCTS: SeatProductKey[] = [
  'business-standard',
  'business-premium',
  'business-basic',
  'office-365-e3',
];

/** The demo seed for an emulator whose today is `today` (`YYYY-MM-DD`): history over the 12 months before it. */
export function demoSeed(today: string): Pax8Seed {
  const rand = prng(18);
  const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
  const first = addMonths(startOfMonth(today), -12);
  const month = (m: number) => addMonths(first, m);
  const day = (m: number, d: number) => addDays(month(m), d - 1);
  const s = pax8Scenario({
    partnerName: 'Northbridge IT',
    idPrefix: 'demo',
    clientId: DEMO_CREDENTIALS.clientId,
    clientSecret: DEMO_CREDENTIALS.clientSecret,
  });
  let correctionSub = '';
  DEMO_COMPANIES.forEach((c, i) => {
    const company = s.company(c.name, {
      city: c.city,
      stateOrProvince: c.state,
      externalId: i % 4 === 1 ? `AT-${1000 + i}` : '',
      billOnBehalf: i === DEMO_STORIES.billOnBehalf,
      status: i === 24 ? 'Inactive' : 'Active',
    });
    const term: SeatTerm = i % 5 === 3 ? 'annual' : i % 5 === 1 ? 'annual-commit-monthly' : 'monthly';
    const product =
      i === DEMO_STORIES.upgrade ? 'business-standard' : (MAIN_PRODUCTS[i % 4] as SeatProductKey);
    const start =
      i === DEMO_STORIES.midMonthStart ? day(2, 10 + (i % 10)) : month(i % 4 === 0 ? 0 : int(0, 3));
    let quantity = int(5, 35);
    const main = s.subscribe(company, product, { on: start, quantity, term });
    // Seat changes: increases on every term; decreases only month-to-month (NCE commitments forbid them, §2.3).
    const changes = int(1, 3);
    // Months since the window's first month.
    let lastMonth =
      (Number(start.slice(0, 4)) - Number(first.slice(0, 4))) * 12 +
      Number(start.slice(5, 7)) -
      Number(first.slice(5, 7));
    for (let k = 0; k < changes; k++) {
      const m = lastMonth + int(1, 3);
      if (m > 11) break;
      const stop = (i === DEMO_STORIES.cancellation && m >= 7) || (i === DEMO_STORIES.upgrade && m >= 6);
      if (stop) break;
      const delta = term === 'monthly' && rand() < 0.4 ? -int(1, Math.min(4, quantity - 1)) : int(1, 5);
      quantity = Math.max(1, quantity + delta);
      s.changeSeats(main, day(m, int(2, 27)), quantity);
      lastMonth = m;
    }
    if (i === DEMO_STORIES.cancellation) s.cancel(main, day(7, 12));
    if (i === DEMO_STORIES.upgrade) s.upgrade(main, day(6, 15), 'business-premium');
    if (i === DEMO_STORIES.correction) correctionSub = main;
    // Add-ons on every third company, month-to-month.
    if (i % 3 === 0) {
      const addon: SeatProductKey = i % 2 === 0 ? 'exchange-online-p1' : 'defender-business';
      s.subscribe(company, addon, { on: month(int(0, 4)), quantity: int(2, 10) });
    }
    if ((DEMO_STORIES.azure as readonly number[]).includes(i)) {
      const azure = s.azure(company, month(0));
      const slug = c.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '')
        .slice(0, 12);
      // Twelve closed months and the current one (usage summaries show it to date).
      for (let m = 0; m <= 12; m++) {
        s.usage(azure, month(m).slice(0, 7), [
          {
            resourceGroup: `rg-${slug}-prod`,
            meter: 'Virtual Machines Dsv5 Series - D2s v5',
            quantity: int(300, 744),
            unitPrice: 0.115,
            unitCost: 0.098,
          },
          {
            resourceGroup: `rg-${slug}-prod`,
            meter: 'Managed Disks - P10 LRS Disk',
            quantity: int(1, 4),
            unitPrice: 21.3,
            unitCost: 18.105,
          },
          {
            resourceGroup: `rg-${slug}-dev`,
            meter: 'Bandwidth - Data Transfer Out',
            quantity: int(10_000, 90_000) / 1000,
            unitPrice: 0.087,
            unitCost: 0.074,
          },
        ]);
      }
    }
  });
  s.correctInvoice(month(9), { on: day(9, 20), subscriptionId: correctionSub, extraQuantity: 2 });
  const seed = s.build();
  seed.description = `Pax8 demo partner: 25 companies, ${first} to ${today}`;
  return seed;
}
