import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Decimal, dec, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import { BILLING_VARIANTS, DEFAULT_VARIANT } from '../support/autotask-variants';
import { IDS } from '../support/autotask-world';
import { type CliScenario, createCliScenario, type SyncOutcome } from '../support/cli-scenario';
import {
  azurePlanLine,
  BUSINESS_PREMIUM,
  CONTOSO,
  type CustomerSpec,
  dailyUsage,
  type OfferSpec,
  priceListFile,
  type ReconLineSpec,
  reconFile,
  usageFile,
} from '../support/csp-files';

/**
 * Issue 10, end to end as an MSP runs it: Microsoft-format files imported month by month through the CLI, the
 * product sync, then the customer sync the day after the invoice, against the Autotask emulator, read back with
 * a third-party Autotask client. After every month: units per day equal the invoices' seats, what each customer
 * is billed per month (unit rows prorated by days, plus charges) equals the invoices to the cent, and a re-run
 * writes nothing and reports No Change.
 */

const E3: OfferSpec = {
  productId: 'CFQ7TTC0LF8R',
  skuId: '0001',
  title: 'Office 365 E3',
  term: 'P1M',
  billingPlan: 'Monthly',
};
const BASIC: OfferSpec = {
  productId: 'CFQ7TTC0LH18',
  skuId: '0001',
  title: 'Microsoft 365 Business Basic',
  term: 'P1M',
  billingPlan: 'Monthly',
};
const SOFTWARE: OfferSpec = {
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
const FABRIKAM = customer(1, 'Fabrikam');
const NORTHWIND = customer(2, 'Northwind');
const TAILSPIN = customer(3, 'Tailspin');
const CONTRACT = { contoso: IDS.contract, fabrikam: 500, northwind: 501, tailspin: 502 } as const;

const SKU: Record<string, OfferSpec> = {
  'PC_CFQ7TTC0LCHC:0002': BUSINESS_PREMIUM,
  'PC_CFQ7TTC0LF8R:0001': E3,
  'PC_CFQ7TTC0LH18:0001': BASIC,
};

/**
 * One subscription's lines: `anchor` is the day its cycles start on. `cycle` is a charge for a period, `change` a
 * seat change as Microsoft invoices it (the old quantity reversed, the new one over the rest of the cycle).
 */
function subscription(c: CustomerSpec, offer: OfferSpec, subscriptionId: string, anchor: string) {
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

const A = 'aaaa0000-0000-4000-8000-00000000000a';
const B = 'bbbb0000-0000-4000-8000-00000000000b';
/** Contoso Business Premium, cycles on the 20th. */
const SUB_A = subscription(CONTOSO, BUSINESS_PREMIUM, A, '2025-11-20');
/** Contoso Business Premium, calendar cycles; upgraded to E3 in February. */
const SUB_B = subscription(CONTOSO, BUSINESS_PREMIUM, B, '2025-12-01');
/** Contoso Business Basic, cancelled inside the 7-day window. */
const SUB_C = subscription(CONTOSO, BASIC, 'cccc0000-0000-4000-8000-00000000000c', '2025-12-01');
/** Contoso E3 (the upgrade). */
const SUB_E = subscription(CONTOSO, E3, 'eeee0000-0000-4000-8000-00000000000e', '2026-02-01');
const SUB_SW = subscription(CONTOSO, SOFTWARE, 'sw', '2026-01-05');
const FAB = subscription(FABRIKAM, BUSINESS_PREMIUM, 'f1', '2025-12-01');
const NOR = subscription(NORTHWIND, BUSINESS_PREMIUM, 'n1', '2025-12-01');

const INVOICES: Record<string, ReconLineSpec[]> = {
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
const JANUARY_CORRECTED: ReconLineSpec[] = [
  ...INVOICES.G000002601!.filter(
    (l) =>
      !(l.subscriptionId === A && l.chargeStart === '2026-01-22') &&
      !(l.subscriptionId === B && l.chargeStart === '2026-01-01' && !l.reversal),
  ),
  ...SUB_A.change('2026-01-22', '2026-02-19', 10, 7, '20.00', 'removeQuantity'),
  SUB_B.cycle('2026-01-01', '2026-01-31', 5, '20.00'),
  ...SUB_B.change('2026-01-25', '2026-01-31', 5, 6, '20.00'),
];
const USAGE: Record<string, { first: string; last: string; perDay: string }> = {
  G000002601: { first: '2026-01-01', last: '2026-01-31', perDay: '2.00' },
  G000002602: { first: '2026-02-01', last: '2026-02-28', perDay: '1.50' },
};

/** The price list: Business Premium rises on 1 February (cost 21.00, retail 24.20). */
const PRICES = [
  { offer: BUSINESS_PREMIUM, cost: '20.00', erp: '23.10', end: '2026-01-31' },
  { offer: BUSINESS_PREMIUM, cost: '21.00', erp: '24.20', start: '2026-02-01' },
  { offer: E3, cost: '30.00', erp: '34.00' },
  { offer: BASIC, cost: '6.00', erp: '7.20' },
];

/** The retail each customer's line carries: the price list's for Contoso; the price at creation for the others. */
function retail(c: CustomerSpec, offer: OfferSpec, first: string): string {
  if (offer === E3) return '34.00';
  if (offer === BASIC) return '7.20';
  if (c !== CONTOSO) return '23.10';
  return first >= '2026-02-01' ? '24.20' : '23.10';
}

interface Synced {
  lines: ReconLineSpec[];
  usage: Map<string, Decimal>;
}

/** Seats on a day from the synced invoices' lines (reversals negative). */
function seatsOn(synced: Synced, c: CustomerSpec, offer: OfferSpec, day: string): number {
  let n = 0;
  for (const l of synced.lines) {
    if (l.customer !== c || l.offer !== offer || l.chargeType === 'customerCredit') continue;
    if (l.chargeStart <= day && day <= l.chargeEnd) n += l.reversal ? -l.quantity : l.quantity;
  }
  return n;
}

/** What the customer's contract must bill in a month: seats x retail per day, plus last month's Azure usage. */
function expected(synced: Synced, c: CustomerSpec, month: string): Decimal {
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

let s: CliScenario;
let synced: Synced = { lines: [], usage: new Map() };
const mapped = new Set<string>();

async function importMonth(invoice: string, lines: ReconLineSpec[], syncStart: string): Promise<void> {
  await s.importInvoice(reconFile(s.dir, invoice, lines));
  const usage = USAGE[invoice];
  if (usage)
    await s.importInvoice(
      usageFile(s.dir, invoice, dailyUsage(usage.first, usage.last, usage.perDay, { customer: TAILSPIN })),
    );
  for (const [c, contract, strategy] of [
    [CONTOSO, CONTRACT.contoso, 'cost-and-retail'],
    [FABRIKAM, CONTRACT.fabrikam, 'cost-only'],
    [NORTHWIND, CONTRACT.northwind, 'none-on-update'],
    [TAILSPIN, CONTRACT.tailspin, 'cost-and-retail'],
  ] as const) {
    const known = lines.some((l) => l.customer === c) || (usage && c === TAILSPIN);
    if (!known || mapped.has(c.tenantId)) continue;
    await s.map(c.tenantId, { company: companyOf(contract), contract, strategy, syncStart });
    mapped.add(c.tenantId);
  }
}

const companyOf = (contract: number) => (contract === IDS.contract ? IDS.company : 600 + (contract - 500));

/** The invoices synced now count for the expectations (lines issued before the sync start excepted). */
function markSynced(invoice: string, lines: ReconLineSpec[]): void {
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

async function syncMonth(asOf: string): Promise<SyncOutcome> {
  const products = await s.syncProducts({ asOf });
  expect(products.code, await s.explain(products)).toBe(0);
  return s.syncCustomers({ asOf });
}

/**
 * Days whose units cannot follow the invoices any more (a locked day: the PSA already had a change on it); a
 * charge makes their money right instead.
 */
let lockedDays = new Set<string>();

/** Units per day of every line (locked days excepted) and the money of every month equal what the invoices say. */
async function checkPsa(months: string[]): Promise<void> {
  for (const [c, contract] of [
    [CONTOSO, CONTRACT.contoso],
    [FABRIKAM, CONTRACT.fabrikam],
    [NORTHWIND, CONTRACT.northwind],
    [TAILSPIN, CONTRACT.tailspin],
  ] as const) {
    for (const cs of await s.readback.contractServices(contract)) {
      const offer = SKU[cs.serviceName];
      if (!offer) continue;
      const rows = await s.readback.unitSegments(cs.id);
      for (const month of months) {
        const first = parsePlainDate(`${month}-01`);
        for (let day = first; day < addMonths(first, 1); day = addDays(day, 1)) {
          const row = rows.find((r) => r.start <= day && day <= r.end);
          const units = row ? Number(row.units.toFixed()) : 0;
          if (lockedDays.has(`${c.tenantId}|${cs.serviceName}|${day}`)) continue;
          expect(units, `${c.name} ${cs.serviceName} units on ${day}`).toBe(seatsOn(synced, c, offer, day));
        }
      }
    }
    for (const month of months) {
      const bill = await s.readback.billedPerMonth(contract, month);
      const want = expected(synced, c, month);
      expect(
        bill.total.minus(want).abs().lte(dec('0.01')),
        `${c.name} ${month}: billed ${bill.total} for ${want}`,
      ).toBe(true);
    }
  }
}

async function rerunWritesNothing(asOf: string): Promise<void> {
  const before = s.writes();
  const again = await s.syncCustomers({ asOf });
  expect(again.code, await s.explain(again)).toBe(0);
  const wrote = again.runs.filter((r) => r.status !== 'no_change' || r.writes !== 0);
  const shows = await Promise.all(wrote.map((r) => s.run('run', 'show', r.runId)));
  expect(wrote, shows.map((x) => x.stdout).join('\n')).toEqual([]);
  expect(s.writes()).toBe(before);
}

/**
 * Every Autotask variant (issue 11): the defaults run the real command as an MSP does; the others run the same
 * CLI code in this process (no process start per command) to keep CI short.
 */
describe.each(BILLING_VARIANTS)(
  'money over months (issue 10), CLI + Autotask emulator: $name',
  (variant) => {
    beforeAll(async () => {
      synced = { lines: [], usage: new Map() };
      mapped.clear();
      lockedDays = new Set();
      s = await createCliScenario({
        now: '2026-01-08T09:00:00Z',
        seed: { extraCustomers: 3 },
        ...(variant.rules ? { rules: variant.rules } : {}),
        ...(variant.limits ? { limits: variant.limits } : {}),
        inProcess: variant !== DEFAULT_VARIANT,
      });
      await s.setup();
      await s.importPriceList(priceListFile(s.dir, PRICES));
    }, 60_000);
    afterAll(async () => {
      await s?.close();
    });

    it('December: the sync start is honoured, each subscription from its first synced day', async () => {
      await importMonth('G000001111', INVOICES.G000001111!, '2026-01-01');
      await importMonth('G000001212', INVOICES.G000001212!, '2026-01-01');
      const run = await syncMonth('2026-01-08');
      expect(run.code, await s.explain(run)).toBe(0);
      markSynced('G000001212', INVOICES.G000001212!);
      await checkPsa(['2025-12']);
      // Subscription A's 20 Nov - 19 Dec cycle was on the November invoice (before the sync start): not billed.
      const [bp] = (await s.readback.contractServices(CONTRACT.contoso)).filter(
        (x) => x.serviceName === 'PC_CFQ7TTC0LCHC:0002',
      );
      expect((await s.readback.unitsOn(bp!.id, '2025-12-19')).toFixed()).toBe('5');
      expect((await s.readback.unitsOn(bp!.id, '2025-12-20')).toFixed()).toBe('15');
      await rerunWritesNothing('2026-01-08');
    });

    it('January: a seat decrease in the 7-day window, a cancellation, Azure on the invoice and from the usage file alone, credit and one-off lines skipped', async () => {
      await importMonth('G000002601', INVOICES.G000002601!, '2026-01-01');
      const run = await syncMonth('2026-02-08');
      expect(run.code, await s.explain(run)).toBe(0);
      markSynced('G000002601', INVOICES.G000002601!);
      await checkPsa(['2025-12', '2026-01', '2026-02'].slice(0, 2));
      // February's Azure line: January's usage, from the invoice (Contoso) and from the usage file alone (Tailspin).
      expect(
        (await s.readback.billedPerMonth(CONTRACT.contoso, '2026-02')).services
          .find((x) => x.serviceName === 'PC_DZH318Z0BPS6:0001')
          ?.amount.toFixed(),
      ).toBe('120');
      expect((await s.readback.billedPerMonth(CONTRACT.tailspin, '2026-02')).total.toFixed()).toBe('62');
      const contoso = await s.json<{
        lines: { label: string; status: string; messages: { text: string }[] }[];
      }>('run', 'show', run.runs.find((r) => r.tenantId === CONTOSO.tenantId)!.runId);
      expect(contoso.lines.filter((i) => i.status === 'skipped').map((i) => i.messages[0]!.text)).toEqual([
        'skipped: not a standard invoice line',
        'skipped: not a standard invoice line',
      ]);
      await rerunWritesNothing('2026-02-08');
    });

    it('a corrected re-issue of January: a new day is written, a day already written is put right the next day and charged', async () => {
      await s.importInvoice(reconFile(s.dir, 'G000002601', JANUARY_CORRECTED, 'G000002601-corrected.csv'));
      const run = await s.syncCustomers({ asOf: '2026-02-16' });
      expect(run.code, await s.explain(run)).toBe(2);
      const contoso = run.runs.find((r) => r.tenantId === CONTOSO.tenantId)!;
      expect(contoso.status).toBe('warning');
      markSynced('G000002601', JANUARY_CORRECTED);
      // 22 Jan already carries the change to 8 seats (one adjustment per line and day): 7 is right from 23 Jan.
      lockedDays.add(`${CONTOSO.tenantId}|PC_CFQ7TTC0LCHC:0002|2026-01-22`);
      await checkPsa(['2025-12', '2026-01']);
      const charges = await s.readback.charges(CONTRACT.contoso);
      expect(charges.map((c) => [c.date, c.amount.toFixed(2)])).toEqual([['2026-01-22', '-0.75']]);
      await rerunWritesNothing('2026-02-16');
    });

    it('February: a price rise with the invoice that bills it, an upgrade, an ended subscription, strategies 2 and 4', async () => {
      await importMonth('G000002602', INVOICES.G000002602!, '2026-01-01');
      const run = await syncMonth('2026-03-08');
      expect([0, 2], await s.explain(run)).toContain(run.code);
      markSynced('G000002602', INVOICES.G000002602!);
      await checkPsa(['2025-12', '2026-01', '2026-02']);
      // Azure: February had no usage for Contoso: 0 from 1 March; Tailspin's February usage from the usage file.
      expect((await s.readback.billedPerMonth(CONTRACT.tailspin, '2026-03')).total.toFixed()).toBe('42');
      await rerunWritesNothing('2026-03-08');
    });

    it('March: Azure again; every month still bills what Microsoft invoiced', async () => {
      await importMonth('G000002603', INVOICES.G000002603!, '2026-01-01');
      const run = await syncMonth('2026-04-08');
      expect(run.code, await s.explain(run)).toBe(0);
      markSynced('G000002603', INVOICES.G000002603!);
      await checkPsa(['2025-12', '2026-01', '2026-02', '2026-03', '2026-04'].slice(0, 4));
      expect(
        (await s.readback.billedPerMonth(CONTRACT.contoso, '2026-04')).services
          .find((x) => x.serviceName === 'PC_DZH318Z0BPS6:0001')
          ?.amount.toFixed(),
      ).toBe('50');
      expect((await s.readback.billedPerMonth(CONTRACT.tailspin, '2026-04')).total.toFixed()).toBe('0');
      await rerunWritesNothing('2026-04-08');
    });
  },
  300_000,
);
