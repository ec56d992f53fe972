import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec } from '../money/decimal';
import { addDays, type PlainDate, parsePlainDate } from '../time/plain-date';
import {
  applyRule,
  type PriceRule,
  type RuleOffer,
  type RuleOffers,
  roundPrice,
  ruleCovers,
  ruledRetailSpans,
  ruleValidOn,
  winningRule,
} from './rules';

const d = (s: string) => parsePlainDate(s);
const BP: RuleOffer = {
  offer: { productId: 'CFQ7TTC0LCHC', skuId: '0002', segment: 'Commercial' },
  productTitle: 'Microsoft 365 Business Premium',
};
const CONTOSO = '7c3e0000-0000-4000-8000-000000000000';

function rule(p: Partial<PriceRule> & Pick<PriceRule, 'id'>): PriceRule {
  return {
    customerTenantId: undefined,
    offers: { kind: 'all' },
    basis: 'cost',
    method: { kind: 'markup', percent: dec('10') },
    rounding: 'cent',
    validFrom: d('2026-01-01'),
    validTo: undefined,
    position: 0,
    ...p,
  };
}

describe('price rules: the price a rule gives', () => {
  it('markup, margin, amount and fixed price, from cost or list retail, rounded to the cent half up', () => {
    const cost = dec('20.00');
    const retail = dec('23.10');
    const at = (p: Partial<PriceRule>) => applyRule(rule({ id: 'r', ...p }), cost, retail).toFixed(2);
    expect(at({ method: { kind: 'markup', percent: dec('15') } })).toBe('23.00');
    expect(at({ basis: 'retail', method: { kind: 'markup', percent: dec('-10') } })).toBe('20.79');
    // A 20 % margin: the price of which 20 % is margin (20 / 0.8), not 20 % on top.
    expect(at({ method: { kind: 'margin', percent: dec('20') } })).toBe('25.00');
    expect(at({ method: { kind: 'margin', percent: dec('33') } })).toBe('29.85');
    expect(at({ method: { kind: 'amount', amount: dec('2.50') } })).toBe('22.50');
    expect(at({ basis: 'retail', method: { kind: 'amount', amount: dec('-1') } })).toBe('22.10');
    expect(at({ method: { kind: 'fixed', price: dec('19.999') } })).toBe('20.00');
    expect(at({ method: { kind: 'markup', percent: dec('12.5') } })).toBe('22.50');
    // Half up: 20 x 1.0125 = 20.25 exactly; 21.004 x ... -> cent.
    expect(
      applyRule(
        rule({ id: 'r', method: { kind: 'markup', percent: dec('0.025') } }),
        dec('20'),
        retail,
      ).toFixed(3),
    ).toBe('20.010');
  });

  it('price points: up to the next .x9 or .99', () => {
    const cases: [string, string, string][] = [
      ['23.43', '23.49', '23.99'],
      ['23.49', '23.49', '23.99'],
      ['23.50', '23.59', '23.99'],
      ['23.99', '23.99', '23.99'],
      ['24.00', '24.09', '24.99'],
      ['0.004', '0.00', '0.00'],
      ['-3.21', '-3.21', '-3.21'],
    ];
    for (const [v, x9, n99] of cases) {
      expect(roundPrice(dec(v), 'x9').toFixed(2), `${v} x9`).toBe(x9);
      expect(roundPrice(dec(v), '99').toFixed(2), `${v} 99`).toBe(n99);
    }
  });

  it('property: a price point is the smallest price >= the cent value that ends in 9 / 99', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (cents) => {
        const v = dec(cents).div(100);
        for (const [mode, step] of [
          ['x9', 10],
          ['99', 100],
        ] as const) {
          const p = roundPrice(v, mode);
          const pc = Number(p.times(100).toFixed(0));
          expect(pc).toBeGreaterThanOrEqual(cents);
          expect((pc + 1) % step).toBe(0);
          expect(pc - cents).toBeLessThan(step);
        }
      }),
    );
  });
});

describe('price rules: which rule applies', () => {
  it('covers by customer, SKU, product, family (title prefix) and segment', () => {
    const covers = (offers: RuleOffers, tenant?: string) =>
      ruleCovers(rule({ id: 'r', offers, customerTenantId: tenant }), CONTOSO, BP);
    expect(covers({ kind: 'sku', sku: 'cfq7ttc0lchc:0002' })).toBe(true);
    expect(covers({ kind: 'sku', sku: 'CFQ7TTC0LCHC:0001' })).toBe(false);
    expect(covers({ kind: 'product', productId: 'CFQ7TTC0LCHC' })).toBe(true);
    expect(covers({ kind: 'family', title: 'microsoft 365' })).toBe(true);
    expect(covers({ kind: 'family', title: 'Office 365' })).toBe(false);
    expect(covers({ kind: 'segment', segment: 'Education' })).toBe(false);
    expect(covers({ kind: 'all' }, 'someone-else')).toBe(false);
    expect(covers({ kind: 'all' }, CONTOSO)).toBe(true);
  });

  it('a prefixed SKU code (spec section 1) covers only its term and billing plan, and wins over the bare SKU code', () => {
    const annual: RuleOffer = { ...BP, offer: { ...BP.offer, term: 'P1Y', billingPlan: 'Annual' } };
    const monthly: RuleOffer = { ...BP, offer: { ...BP.offer, term: 'P1Y', billingPlan: 'Monthly' } };
    const prefixed = rule({ id: 'annual', offers: { kind: 'sku', sku: 'P1Y:A:CFQ7TTC0LCHC:0002' } });
    const bare = rule({ id: 'bare', offers: { kind: 'sku', sku: 'CFQ7TTC0LCHC:0002' } });
    expect(ruleCovers(prefixed, CONTOSO, annual)).toBe(true);
    expect(ruleCovers(prefixed, CONTOSO, monthly)).toBe(false);
    expect(ruleCovers(prefixed, CONTOSO, BP)).toBe(false);
    expect(ruleCovers(bare, CONTOSO, monthly)).toBe(true);
    const day = d('2026-03-01');
    expect(winningRule([bare, prefixed], CONTOSO, annual, day)?.id).toBe('annual');
    expect(winningRule([bare, prefixed], CONTOSO, monthly, day)?.id).toBe('bare');
  });

  it('dates are inclusive at both ends', () => {
    const r = rule({ id: 'r', validFrom: d('2026-02-01'), validTo: d('2026-02-28') });
    expect(ruleValidOn(r, d('2026-01-31'))).toBe(false);
    expect(ruleValidOn(r, d('2026-02-01'))).toBe(true);
    expect(ruleValidOn(r, d('2026-02-28'))).toBe(true);
    expect(ruleValidOn(r, d('2026-03-01'))).toBe(false);
  });

  it('the most specific wins: customer first, then SKU > product > family > segment > all, then position', () => {
    const all = rule({ id: 'all' });
    const segment = rule({ id: 'segment', offers: { kind: 'segment', segment: 'Commercial' } });
    const family = rule({ id: 'family', offers: { kind: 'family', title: 'Microsoft 365' } });
    const product = rule({ id: 'product', offers: { kind: 'product', productId: 'CFQ7TTC0LCHC' } });
    const sku = rule({ id: 'sku', offers: { kind: 'sku', sku: 'CFQ7TTC0LCHC:0002' } });
    const mine = rule({ id: 'mine', customerTenantId: CONTOSO });
    const day = d('2026-03-01');
    const win = (rules: PriceRule[]) => winningRule(rules, CONTOSO, BP, day)?.id;
    expect(win([all, segment, family, product, sku])).toBe('sku');
    expect(win([all, segment, family, product])).toBe('product');
    expect(win([all, segment, family])).toBe('family');
    expect(win([all, segment])).toBe('segment');
    expect(win([sku, mine])).toBe('mine');
    expect(win([rule({ id: 'b', position: 2 }), rule({ id: 'a', position: 1 })])).toBe('a');
    // The same position: the later start wins.
    expect(win([rule({ id: 'old' }), rule({ id: 'new', validFrom: d('2026-02-01') })])).toBe('new');
    expect(win([rule({ id: 'later', validFrom: d('2026-04-01') })])).toBeUndefined();
    expect(winningRule([mine], undefined, BP, day)).toBeUndefined();
  });

  it('property: the winner does not depend on the order the rules are listed in, and covers the offer on the day', () => {
    const offers = fc.constantFrom<RuleOffers>(
      { kind: 'all' },
      { kind: 'segment', segment: 'Commercial' },
      { kind: 'family', title: 'Microsoft' },
      { kind: 'product', productId: 'CFQ7TTC0LCHC' },
      { kind: 'sku', sku: 'CFQ7TTC0LCHC:0002' },
      { kind: 'sku', sku: 'OTHER:0001' },
    );
    const arb = fc.array(
      fc.record({
        offers,
        customer: fc.boolean(),
        position: fc.integer({ min: 0, max: 3 }),
        from: fc.integer({ min: 0, max: 90 }),
        length: fc.option(fc.integer({ min: 0, max: 90 }), { nil: undefined }),
      }),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 200 }), fc.boolean(), (specs, dayIndex, reverse) => {
        const base = d('2026-01-01');
        const rules = specs.map((s, i) =>
          rule({
            id: `r${i}`,
            offers: s.offers,
            customerTenantId: s.customer ? CONTOSO : undefined,
            position: s.position,
            validFrom: addDays(base, s.from),
            validTo: s.length === undefined ? undefined : addDays(base, s.from + s.length),
          }),
        );
        const day = addDays(base, dayIndex);
        const a = winningRule(rules, CONTOSO, BP, day);
        const b = winningRule(reverse ? [...rules].reverse() : [...rules].sort(() => 0), CONTOSO, BP, day);
        expect(a?.id).toBe(b?.id);
        if (a) {
          expect(ruleValidOn(a, day)).toBe(true);
          expect(ruleCovers(a, CONTOSO, BP)).toBe(true);
        } else {
          expect(rules.filter((r) => ruleValidOn(r, day) && ruleCovers(r, CONTOSO, BP))).toEqual([]);
        }
      }),
    );
  });
});

describe('price rules: retail spans for the planner', () => {
  const cost = [
    { start: d('2025-01-01'), end: d('2026-02-01') as PlainDate | undefined, value: dec('20.00') },
    { start: d('2026-02-01'), end: undefined, value: dec('21.00') },
  ];
  const retail = [
    { start: d('2025-01-01'), end: d('2026-02-01') as PlainDate | undefined, value: dec('23.10') },
    { start: d('2026-02-01'), end: undefined, value: dec('24.20') },
  ];

  it('without rules: the list retail', () => {
    expect(ruledRetailSpans([], CONTOSO, BP, cost, retail)).toEqual(retail);
  });

  it('cuts at the rule dates and the price list changes; the list retail outside the rule', () => {
    const r = rule({
      id: 'r',
      method: { kind: 'markup', percent: dec('20') },
      validFrom: d('2026-01-01'),
      validTo: d('2026-03-31'),
    });
    const spans = ruledRetailSpans([r], CONTOSO, BP, cost, retail).map((s) => [
      s.start,
      s.end ?? null,
      s.value.toFixed(2),
    ]);
    expect(spans).toEqual([
      ['2025-01-01', '2026-01-01', '23.10'],
      ['2026-01-01', '2026-02-01', '24.00'],
      ['2026-02-01', '2026-04-01', '25.20'],
      ['2026-04-01', null, '24.20'],
    ]);
  });

  it('property: on every day the span value is the winning rule applied to that day’s cost and retail', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            percent: fc.integer({ min: -20, max: 80 }),
            from: fc.integer({ min: 300, max: 500 }),
            length: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
            position: fc.integer({ min: 0, max: 2 }),
            basis: fc.constantFrom<'cost' | 'retail'>('cost', 'retail'),
          }),
          { maxLength: 5 },
        ),
        fc.integer({ min: 0, max: 700 }),
        (specs, dayIndex) => {
          const base = d('2025-01-01');
          const rules = specs.map((s, i) =>
            rule({
              id: `r${i}`,
              basis: s.basis,
              method: { kind: 'markup', percent: dec(s.percent) },
              position: s.position,
              validFrom: addDays(base, s.from),
              validTo: s.length === undefined ? undefined : addDays(base, s.from + s.length),
            }),
          );
          const day = addDays(base, dayIndex);
          const spans = ruledRetailSpans(rules, CONTOSO, BP, cost, retail);
          const span = spans.filter((s) => s.start <= day && (s.end === undefined || day < s.end));
          expect(span).toHaveLength(1);
          const c = day < '2026-02-01' ? dec('20.00') : dec('21.00');
          const l = day < '2026-02-01' ? dec('23.10') : dec('24.20');
          const win = winningRule(rules, CONTOSO, BP, day);
          expect(span[0]!.value.toFixed(2)).toBe((win ? applyRule(win, c, l) : l).toFixed(2));
        },
      ),
    );
  });
});
