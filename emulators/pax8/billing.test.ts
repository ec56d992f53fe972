import { describe, expect, test } from 'vitest';
import { invoicesAsOf, type WireInvoiceItem } from './billing/invoices';
import { DEFAULT_RULES, type Pax8Rules } from './options';
import { invoicesThrough, pax8Scenario, releaseInstant } from './seed/scenario';

/** Acme: Business Standard month-to-month (15.00 / cost 12.75): 10 seats from Jan 1, 12 from Jan 20, 8 from
 * Feb 10, cancelled from Mar 16. Globex: Office 365 E3 billed annually (276 / 234.6): 5 from Jan 1, 7 from Apr 1.
 * Globex Azure: January usage on two resource groups. */
function scenario() {
  const s = pax8Scenario();
  const acme = s.company('Acme Corp');
  const globex = s.company('Globex');
  const bs = s.subscribe(acme, 'business-standard', { on: '2026-01-01', quantity: 10 });
  s.changeSeats(bs, '2026-01-20', 12).changeSeats(bs, '2026-02-10', 8).cancel(bs, '2026-03-16');
  const e3 = s.subscribe(globex, 'office-365-e3', { on: '2026-01-01', quantity: 5, term: 'annual' });
  s.changeSeats(e3, '2026-04-01', 7);
  const azure = s.azure(globex, '2026-01-01');
  s.usage(azure, '2026-01', [
    { resourceGroup: 'rg-a', meter: 'VM D2s v5', quantity: 100, unitPrice: 0.115, unitCost: 0.098 },
    { resourceGroup: 'rg-b', meter: 'Managed Disk P10', quantity: 2.5, unitPrice: 21.3, unitCost: 18.105 },
  ]);
  return { seed: s.build(), bs, e3, azure };
}

const rules = (patch: Partial<Pax8Rules> = {}): Pax8Rules => ({ ...DEFAULT_RULES, ...patch });
const itemsOf = (seed: ReturnType<typeof scenario>['seed'], r: Pax8Rules, invoiceDate: string) => {
  const found = invoicesAsOf(seed, r, '2027-06-01').find((d) => d.invoice.invoiceDate === invoiceDate);
  if (!found) throw new Error(`no invoice ${invoiceDate}`);
  return found.items;
};
const pick = (items: WireInvoiceItem[], subscriptionId: string) =>
  items
    .filter((i) => i.subscriptionId === subscriptionId)
    .map((i) => ({
      type: i.type,
      quantity: i.quantity,
      startPeriod: i.startPeriod,
      endPeriod: i.endPeriod,
      subTotal: i.subTotal,
      costTotal: i.costTotal,
      term: i.term,
    }));

describe('mid-period seat changes', () => {
  test('prorate-line: one prorate line for the delta, on the invoice after the change, plus the recurring line', () => {
    const { seed, bs } = scenario();
    expect(pick(itemsOf(seed, rules(), '2026-02-01'), bs)).toEqual([
      // 2 seats × 15.00 × 12/31 days = 11.6129 -> 11.613; cost 2 × 12.75 × 12/31 = 9.871
      {
        type: 'prorate',
        quantity: 2,
        startPeriod: '2026-01-20',
        endPeriod: '2026-01-31',
        subTotal: 11.613,
        costTotal: 9.871,
        term: 'Monthly',
      },
      {
        type: 'subscription',
        quantity: 12,
        startPeriod: '2026-02-01',
        endPeriod: '2026-02-28',
        subTotal: 180,
        costTotal: 153,
        term: 'Monthly',
      },
    ]);
  });

  test('partial-period: the remaining days re-rated, old quantity credited and new one charged ("Jan Partial:")', () => {
    const { seed, bs } = scenario();
    const items = itemsOf(seed, rules({ midPeriodChange: 'partial-period' }), '2026-02-01').filter(
      (i) => i.subscriptionId === bs,
    );
    expect(items.map((i) => [i.type, i.quantity, i.startPeriod, i.subTotal, i.description])).toEqual([
      ['subscription', -10, '2026-01-20', -58.065, 'Jan Partial: Microsoft 365 Business Standard'],
      ['subscription', 12, '2026-01-20', 69.677, 'Jan Partial: Microsoft 365 Business Standard'],
      ['subscription', 12, '2026-02-01', 180, 'Microsoft 365 Business Standard'],
    ]);
  });

  test('decrease: negative quantity and amounts, or positive service-credit', () => {
    const { seed, bs } = scenario();
    // -4 seats × 15.00 × 19/28 = -40.714; cost -4 × 12.75 × 19/28 = -34.607
    const negative = pick(itemsOf(seed, rules(), '2026-03-01'), bs)[0];
    expect(negative).toMatchObject({ type: 'prorate', quantity: -4, subTotal: -40.714, costTotal: -34.607 });
    const credit = pick(itemsOf(seed, rules({ creditSign: 'credit-type' }), '2026-03-01'), bs)[0];
    expect(credit).toMatchObject({
      type: 'service-credit',
      quantity: 4,
      subTotal: 40.714,
      costTotal: 34.607,
    });
  });

  test('cancellation: the unused days credited, described "(Canceled) prorated", no recurring line after it', () => {
    const { seed, bs } = scenario();
    const items = itemsOf(seed, rules(), '2026-04-01').filter((i) => i.subscriptionId === bs);
    // -8 × 15.00 × 16/31 = -61.935
    expect(items.map((i) => [i.type, i.quantity, i.startPeriod, i.subTotal, i.description])).toEqual([
      ['prorate', -8, '2026-03-16', -61.935, 'Microsoft 365 Business Standard (Canceled) prorated'],
    ]);
    expect(
      invoicesAsOf(seed, rules(), '2026-06-30')
        .flatMap((d) => d.items)
        .some((i) => i.subscriptionId === bs && i.startPeriod >= '2026-04-01'),
    ).toBe(false);
  });

  test('partial-period with credit-type: the old quantity credited as a positive service-credit', () => {
    const { seed, bs } = scenario();
    const r = rules({ midPeriodChange: 'partial-period', creditSign: 'credit-type' });
    expect(
      itemsOf(seed, r, '2026-03-01')
        .filter((i) => i.subscriptionId === bs)
        .map((i) => [i.type, i.quantity, i.subTotal]),
    ).toEqual([
      // Feb 10..28 = 19 of 28 days: 12 × 15 × 19/28 = 122.143 credited, 8 × 15 × 19/28 = 81.429 charged
      ['service-credit', 12, 122.143],
      ['subscription', 8, 81.429],
      ['subscription', 8, 120],
    ]);
  });

  test('a mid-month start: a prorate line (or a "Partial" line) for the first days, then whole months', () => {
    const s = pax8Scenario();
    const c = s.company('Late Start');
    const sub = s.subscribe(c, 'business-premium', { on: '2026-01-22', quantity: 3 });
    const seed = s.build();
    // 3 × 26.40 × 10/31 = 25.548; cost 3 × 22.44 × 10/31 = 21.716
    expect(pick(itemsOf(seed, rules(), '2026-02-01'), sub)).toEqual([
      {
        type: 'prorate',
        quantity: 3,
        startPeriod: '2026-01-22',
        endPeriod: '2026-01-31',
        subTotal: 25.548,
        costTotal: 21.716,
        term: 'Monthly',
      },
      {
        type: 'subscription',
        quantity: 3,
        startPeriod: '2026-02-01',
        endPeriod: '2026-02-28',
        subTotal: 79.2,
        costTotal: 67.32,
        term: 'Monthly',
      },
    ]);
    const partial = itemsOf(seed, rules({ midPeriodChange: 'partial-period' }), '2026-02-01')[0];
    expect(partial).toMatchObject({
      type: 'subscription',
      quantity: 3,
      subTotal: 25.548,
      description: 'Jan Partial: Microsoft 365 Business Premium',
    });
    expect(invoicesAsOf(seed, rules(), '2026-01-31')).toEqual([]);
  });

  test('endPeriod exclusive: the day after the period', () => {
    const { seed, bs } = scenario();
    expect(
      pick(itemsOf(seed, rules({ endPeriod: 'exclusive' }), '2026-02-01'), bs).map((i) => i.endPeriod),
    ).toEqual(['2026-02-01', '2026-03-01']);
  });
});

describe('annual billing', () => {
  test('term-line: one line for the year up front; an increase prorated over the rest of the term', () => {
    const { seed, e3 } = scenario();
    expect(pick(itemsOf(seed, rules(), '2026-01-01'), e3)).toEqual([
      {
        type: 'subscription',
        quantity: 5,
        startPeriod: '2026-01-01',
        endPeriod: '2026-12-31',
        subTotal: 1380,
        costTotal: 1173,
        term: 'Annual',
      },
    ]);
    // 2 × 276 × 275/365 = 415.890; cost 2 × 234.6 × 275/365 = 353.507
    expect(pick(itemsOf(seed, rules(), '2026-04-01'), e3)).toEqual([
      {
        type: 'prorate',
        quantity: 2,
        startPeriod: '2026-04-01',
        endPeriod: '2026-12-31',
        subTotal: 415.89,
        costTotal: 353.507,
        term: 'Annual',
      },
    ]);
  });

  test('monthly: a twelfth each month, the new quantity from the month it applies', () => {
    const { seed, e3 } = scenario();
    const r = rules({ annualBilling: 'monthly' });
    expect(pick(itemsOf(seed, r, '2026-03-01'), e3)).toEqual([
      {
        type: 'subscription',
        quantity: 5,
        startPeriod: '2026-03-01',
        endPeriod: '2026-03-31',
        subTotal: 115,
        costTotal: 97.75,
        term: 'Annual',
      },
    ]);
    expect(pick(itemsOf(seed, r, '2026-04-01'), e3).map((i) => [i.quantity, i.subTotal])).toEqual([[7, 161]]);
  });
});

describe('Azure usage', () => {
  test('per-subscription: one Arrears line for the month on the next invoice, quantity 1', () => {
    const { seed, azure } = scenario();
    const items = itemsOf(seed, rules(), '2026-02-01').filter((i) => i.subscriptionId === azure);
    // 100 × 0.115 = 11.5 and 2.5 × 21.3 = 53.25; cost 9.8 + 45.2625 -> 45.263
    expect(
      items.map((i) => [
        i.term,
        i.quantity,
        i.price,
        i.subTotal,
        i.cost,
        i.costTotal,
        i.startPeriod,
        i.endPeriod,
      ]),
    ).toEqual([['Arrears', 1, 64.75, 64.75, 55.063, 55.063, '2026-01-01', '2026-01-31']]);
  });

  test('per-meter: one line per meter with its quantity and unit price; the same totals', () => {
    const { seed, azure } = scenario();
    const items = itemsOf(seed, rules({ azureLines: 'per-meter' }), '2026-02-01').filter(
      (i) => i.subscriptionId === azure,
    );
    expect(items.map((i) => [i.quantity, i.price, i.subTotal, i.costTotal, i.details])).toEqual([
      [2.5, 21.3, 53.25, 45.263, 'Resource group: rg-b'],
      [100, 0.115, 11.5, 9.8, 'Resource group: rg-a'],
    ]);
  });
});

describe('invoice lifecycle', () => {
  test('an invoice appears on the release day, not before', () => {
    const { seed } = scenario();
    const dates = (today: string, r = rules()) =>
      invoicesAsOf(seed, r, today).map((d) => d.invoice.invoiceDate);
    expect(dates('2026-02-04')).toEqual(['2026-01-01']);
    expect(dates('2026-02-05')).toEqual(['2026-01-01', '2026-02-01']);
    expect(dates('2026-02-04', rules({ invoiceReleaseDay: 4 }))).toEqual(['2026-01-01', '2026-02-01']);
    expect(releaseInstant('2026-02')).toBe('2026-02-05T00:00:00Z');
  });

  test('total: the items costTotal by default, their customer total under invoiceTotal=customer', () => {
    const { seed } = scenario();
    const feb = (r: Pax8Rules) => invoicesThrough(seed, '2026-02', r).at(-1);
    // Acme 9.871 + 153; Globex Azure 55.063 (E3 billed in January for the year)
    expect(feb(rules())?.invoice.total).toBe(217.934);
    expect(feb(rules({ invoiceTotal: 'customer' }))?.invoice.total).toBe(256.363);
  });

  test('a correction: the approved invoice becomes Credited and a new invoice replaces it, never edited', () => {
    const s = pax8Scenario();
    const c = s.company('Initech');
    const sub = s.subscribe(c, 'business-basic', { on: '2026-01-01', quantity: 4 });
    s.correctInvoice('2026-02-01', { on: '2026-02-20', subscriptionId: sub, extraQuantity: 1 });
    const seed = s.build();
    const before = invoicesAsOf(seed, rules(), '2026-02-10');
    const wrong = before.at(-1);
    expect(wrong?.invoice).toMatchObject({ invoiceDate: '2026-02-01', status: 'Unpaid', total: 30.6 });
    expect(wrong?.items[0]?.quantity).toBe(5);
    const after = invoicesAsOf(seed, rules(), '2026-02-20');
    expect(
      after.map((d) => [d.invoice.invoiceDate, d.invoice.status, d.invoice.total, d.invoice.balance]),
    ).toEqual([
      ['2026-01-01', 'Paid', 24.48, 0],
      ['2026-02-01', 'Credited', 30.6, 0],
      ['2026-02-20', 'Unpaid', 24.48, 24.48],
    ]);
    expect(after[1]?.invoice.id).toBe(wrong?.invoice.id);
    expect(after[1]?.items).toEqual(wrong?.items);
    expect(after[2]?.invoice.id).not.toBe(wrong?.invoice.id);
  });

  test('an uncorrected billing error stays on the invoice (for the adapter cross-check)', () => {
    const s = pax8Scenario();
    const c = s.company('Initech');
    const sub = s.subscribe(c, 'business-basic', { on: '2026-01-01', quantity: 4 });
    s.invoiceError('2026-02-01', { subscriptionId: sub, extraQuantity: 3 });
    const invoices = invoicesAsOf(s.build(), rules(), '2026-12-31');
    const feb = invoices.filter((d) => d.invoice.invoiceDate.startsWith('2026-02'));
    expect(feb.map((d) => [d.invoice.status, d.items[0]?.quantity])).toEqual([['Paid', 7]]);
    expect(invoices.find((d) => d.invoice.invoiceDate === '2026-03-01')?.items[0]?.quantity).toBe(4);
  });
});
