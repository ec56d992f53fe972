import { type Decimal, dec, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import {
  azurePlanLine,
  BUSINESS_PREMIUM,
  CONTOSO,
  type CustomerSpec,
  type OfferSpec,
  type ReconLineSpec,
} from './csp-files';

/**
 * The multi-month scenario of issue 10 (money over months), as data: four customers' Microsoft invoices from
 * November 2025 to March 2026, the corrected re-issue of January, Tailspin's usage files, the price list, and
 * what each customer must be billed per month (`expected`). Run against Autotask by
 * `test/e2e/months-scenario.test.ts` and against ConnectWise by `test/e2e/connectwise-months.test.ts`.
 */

export const E3: OfferSpec = {
  productId: 'CFQ7TTC0LF8R',
  skuId: '0001',
  title: 'Office 365 E3',
  term: 'P1M',
  billingPlan: 'Monthly',
};
export const BASIC: OfferSpec = {
  productId: 'CFQ7TTC0LH18',
  skuId: '0001',
  title: 'Microsoft 365 Business Basic',
  term: 'P1M',
  billingPlan: 'Monthly',
};
export const SOFTWARE: OfferSpec = {
  productId: 'DG7GMGF0D3SJ',
  skuId: '0002',
  title: 'Windows Server Standard',
  term: 'P1M',
  billingPlan: 'Monthly',
};
const customer = (n: number, name: string): CustomerSpec => ({
  tenantId: `7c3e0000-0000-4000-8000-00000000000${n}`,
  name,
  domain: `${name.toLowerCase()}.onmicrosoft.com`,
  country: 'US',
});
/** Cost only (contract 500), don't sync pricing when updating (501), Azure from the usage file alone (502). */
export const FABRIKAM = customer(1, 'Fabrikam');
export const NORTHWIND = customer(2, 'Northwind');
export const TAILSPIN = customer(3, 'Tailspin');

/**
 * One subscription's lines: `anchor` is the day its cycles start on. `cycle` is a charge for a period, `change` a
 * seat change as Microsoft invoices it (the old quantity reversed, the new one over the rest of the cycle).
 */
export function subscription(c: CustomerSpec, offer: OfferSpec, subscriptionId: string, anchor: string) {
  const cycle = (
    start: string,
    end: string,
    quantity: number,
    unitPrice: string,
    extra: Partial<ReconLineSpec> = {},
  ): ReconLineSpec => ({
    customer: c,
    offer,
    subscriptionId,
    subscriptionStart: anchor,
    chargeStart: start,
    chargeEnd: end,
    quantity,
    unitPrice,
    ...extra,
  });
  const change = (
    from: string,
    to: string,
    before: number,
    after: number,
    price: string,
    type = 'addQuantity',
  ) => [
    cycle(from, to, before, price, { reversal: true, chargeType: type }),
    ...(after > 0 ? [cycle(from, to, after, price, { chargeType: type })] : []),
  ];
  return { cycle, change };
}

export const A = 'aaaa0000-0000-4000-8000-00000000000a';
export const B = 'bbbb0000-0000-4000-8000-00000000000b';
/** Contoso Business Premium, cycles on the 20th. */
export const SUB_A = subscription(CONTOSO, BUSINESS_PREMIUM, A, '2025-11-20');
/** Contoso Business Premium, calendar cycles; upgraded to E3 in February. */
export const SUB_B = subscription(CONTOSO, BUSINESS_PREMIUM, B, '2025-12-01');
/** Contoso Business Basic, cancelled inside the 7-day window. */
export const SUB_C = subscription(CONTOSO, BASIC, 'cccc0000-0000-4000-8000-00000000000c', '2025-12-01');
/** Contoso E3 (the upgrade). */
export const SUB_E = subscription(CONTOSO, E3, 'eeee0000-0000-4000-8000-00000000000e', '2026-02-01');
export const SUB_SW = subscription(CONTOSO, SOFTWARE, 'sw', '2026-01-05');
export const FAB = subscription(FABRIKAM, BUSINESS_PREMIUM, 'f1', '2025-12-01');
export const NOR = subscription(NORTHWIND, BUSINESS_PREMIUM, 'n1', '2025-12-01');

export const INVOICES: Record<string, ReconLineSpec[]> = {
  // November: billed before Contoso's sync start (1 Jan): never written.
  G000001111: [SUB_A.cycle('2025-11-20', '2025-12-19', 10, '20.00')],
  G000001212: [
    SUB_A.cycle('2025-12-20', '2026-01-19', 10, '20.00'),
    SUB_B.cycle('2025-12-01', '2025-12-31', 5, '20.00'),
    SUB_C.cycle('2025-12-01', '2025-12-31', 3, '6.00'),
    azurePlanLine('2025-12', '100.50', CONTOSO),
    FAB.cycle('2025-12-01', '2025-12-31', 4, '20.00'),
    NOR.cycle('2025-12-01', '2025-12-31', 2, '20.00'),
  ],
  G000002601: [
    SUB_A.cycle('2026-01-20', '2026-02-19', 10, '20.00'),
    ...SUB_A.change('2026-01-22', '2026-02-19', 10, 8, '20.00', 'removeQuantity'),
    SUB_B.cycle('2026-01-01', '2026-01-31', 5, '20.00'),
    SUB_C.cycle('2026-01-01', '2026-01-31', 3, '6.00'),
    SUB_C.cycle('2026-01-03', '2026-01-31', 3, '6.00', {
      reversal: true,
      chargeType: 'cancelImmediate',
    }),
    azurePlanLine('2026-01', '120.00', CONTOSO),
    SUB_SW.cycle('2026-01-05', '2026-01-05', 1, '480.00', {
      chargeType: 'new',
    }),
    SUB_B.cycle('2026-01-01', '2026-01-31', 1, '5.00', {
      reversal: true,
      chargeType: 'customerCredit',
      subtotal: '-5.00',
    }),
    FAB.cycle('2026-01-01', '2026-01-31', 4, '20.00'),
    NOR.cycle('2026-01-01', '2026-01-31', 2, '20.00'),
  ],
  G000002602: [
    SUB_A.cycle('2026-02-20', '2026-03-19', 7, '21.00'),
    SUB_B.cycle('2026-02-01', '2026-02-28', 6, '21.00'),
    ...SUB_B.change('2026-02-10', '2026-02-28', 6, 0, '21.00', 'removeQuantity'),
    SUB_E.cycle('2026-02-10', '2026-02-28', 6, '30.00', { chargeType: 'new' }),
    FAB.cycle('2026-02-01', '2026-02-28', 4, '21.00'),
    NOR.cycle('2026-02-01', '2026-02-28', 2, '20.00'),
    ...NOR.change('2026-02-15', '2026-02-28', 2, 3, '20.00'),
  ],
  G000002603: [
    SUB_A.cycle('2026-03-20', '2026-04-19', 7, '21.00'),
    SUB_E.cycle('2026-03-01', '2026-03-31', 6, '30.00'),
    azurePlanLine('2026-03', '50.00', CONTOSO),
    FAB.cycle('2026-03-01', '2026-03-31', 4, '21.00'),
    NOR.cycle('2026-03-01', '2026-03-31', 3, '20.00'),
  ],
};
/** The corrected re-issue of January (same number): A drops to 7 on the 22nd (a day already written), B rises to 6 on the 25th (a new day). */
export const JANUARY_CORRECTED: ReconLineSpec[] = [
  ...INVOICES.G000002601!.filter(
    (l) =>
      !(l.subscriptionId === A && l.chargeStart === '2026-01-22') &&
      !(l.subscriptionId === B && l.chargeStart === '2026-01-01' && !l.reversal),
  ),
  ...SUB_A.change('2026-01-22', '2026-02-19', 10, 7, '20.00', 'removeQuantity'),
  SUB_B.cycle('2026-01-01', '2026-01-31', 5, '20.00'),
  ...SUB_B.change('2026-01-25', '2026-01-31', 5, 6, '20.00'),
];
export const USAGE: Record<string, { first: string; last: string; perDay: string }> = {
  G000002601: { first: '2026-01-01', last: '2026-01-31', perDay: '2.00' },
  G000002602: { first: '2026-02-01', last: '2026-02-28', perDay: '1.50' },
};

/** The price list: Business Premium rises on 1 February (cost 21.00, retail 24.20). */
export const PRICES = [
  { offer: BUSINESS_PREMIUM, cost: '20.00', erp: '23.10', end: '2026-01-31' },
  { offer: BUSINESS_PREMIUM, cost: '21.00', erp: '24.20', start: '2026-02-01' },
  { offer: E3, cost: '30.00', erp: '34.00' },
  { offer: BASIC, cost: '6.00', erp: '7.20' },
];

/** The retail each customer's line carries: the price list's for Contoso; the price at creation for the others. */
export function retail(c: CustomerSpec, offer: OfferSpec, first: string): string {
  if (offer === E3) return '34.00';
  if (offer === BASIC) return '7.20';
  if (c !== CONTOSO) return '23.10';
  return first >= '2026-02-01' ? '24.20' : '23.10';
}

export interface Synced {
  lines: ReconLineSpec[];
  usage: Map<string, Decimal>;
}

/** Seats on a day from the synced invoices' lines (reversals negative). */
export function seatsOn(synced: Synced, c: CustomerSpec, offer: OfferSpec, day: string): number {
  let n = 0;
  for (const l of synced.lines) {
    if (l.customer !== c || l.offer !== offer || l.chargeType === 'customerCredit') continue;
    if (l.chargeStart <= day && day <= l.chargeEnd) n += l.reversal ? -l.quantity : l.quantity;
  }
  return n;
}

/**
 * Seats on a day of one customer's offer (spec section 6): per subscription, the signed quantities of the synced
 * lines covering the day; after its latest charge period, the seats of that period's last day carried forward.
 */
export function carriedSeatsOn(lines: readonly ReconLineSpec[], day: string): number {
  let n = 0;
  for (const sub of new Set(lines.map((l) => l.subscriptionId))) {
    const mine = lines.filter((l) => l.subscriptionId === sub);
    const first = mine.map((l) => l.chargeStart).sort()[0]!;
    const last = mine
      .map((l) => l.chargeEnd)
      .sort()
      .at(-1)!;
    if (day < first) continue;
    const at = day <= last ? day : last;
    n += mine
      .filter((l) => l.chargeStart <= at && at <= l.chargeEnd)
      .reduce((t, l) => t + (l.reversal ? -l.quantity : l.quantity), 0);
  }
  return n;
}

/** What the customer's contract must bill in a month: seats x retail per day, plus last month's Azure usage. */
export function expected(synced: Synced, c: CustomerSpec, month: string): Decimal {
  const first = parsePlainDate(`${month}-01`);
  const dim = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
  let total = ZERO;
  for (const offer of [BUSINESS_PREMIUM, E3, BASIC]) {
    for (let day = first; day < addMonths(first, 1); day = addDays(day, 1))
      total = total.plus(
        dec(seatsOn(synced, c, offer, day))
          .times(retail(c, offer, first))
          .div(dim),
      );
  }
  return total.plus(synced.usage.get(`${c.tenantId}|${addMonths(first, -1).slice(0, 7)}`) ?? ZERO);
}

/** Contoso and the three other customers with their pricing strategy (contract keys: see the tests). */
export const MONTHS_CUSTOMERS = [
  { customer: CONTOSO, key: 'contoso', strategy: 'cost-and-retail' },
  { customer: FABRIKAM, key: 'fabrikam', strategy: 'cost-only' },
  { customer: NORTHWIND, key: 'northwind', strategy: 'none-on-update' },
  { customer: TAILSPIN, key: 'tailspin', strategy: 'cost-and-retail' },
] as const;

export const newSynced = (): Synced => ({ lines: [], usage: new Map() });

/** The invoices synced now count for the expectations (lines issued before the sync start excepted). */
export function markSynced(synced: Synced, invoice: string, lines: ReconLineSpec[]): void {
  synced.lines = [
    ...synced.lines.filter((l) => (l as { invoice?: string }).invoice !== invoice),
    ...lines.map((l) => ({ ...l, invoice })),
  ];
  for (const l of lines.filter((x) => x.offer?.productId === 'DZH318Z0BPS6'))
    synced.usage.set(`${l.customer!.tenantId}|${l.chargeStart.slice(0, 7)}`, dec(l.subtotal!));
  const usage = USAGE[invoice];
  if (usage) {
    const days = Number(usage.last.slice(8)) - Number(usage.first.slice(8)) + 1;
    synced.usage.set(`${TAILSPIN.tenantId}|${usage.first.slice(0, 7)}`, dec(usage.perDay).times(days));
  }
}
