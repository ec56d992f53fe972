import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, decimalFixed, parseDecimal, round } from './decimal';
import { Money, sumMoney } from './money';

const decimalText = fc
  .tuple(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 6 }))
  .map(([units, places]) => {
    const neg = units < 0n;
    const digits = (neg ? -units : units).toString().padStart(places + 1, '0');
    const text = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
    return neg ? `-${text}` : text;
  });

describe('decimal', () => {
  it('parses plain decimals and refuses anything else', () => {
    expect(parseDecimal('12.345').toFixed()).toBe('12.345');
    expect(parseDecimal(' -0.5 ').toFixed()).toBe('-0.5');
    for (const bad of ['', '1e3', '1,5', 'abc', '1.2.3', 'NaN', '--1']) {
      expect(() => parseDecimal(bad), bad).toThrow(/not a decimal/);
    }
  });

  it('refuses fractional JS numbers (never a float)', () => {
    expect(() => dec(0.1)).toThrow(/non-integer/);
    expect(dec(3).toFixed()).toBe('3');
  });

  it('rounds by the named mode', () => {
    expect(round(dec('2.345'), 2, 'half-up').toFixed()).toBe('2.35');
    expect(round(dec('2.345'), 2, 'half-even').toFixed()).toBe('2.34');
    expect(round(dec('2.349'), 2, 'down').toFixed()).toBe('2.34');
    expect(round(dec('-2.349'), 2, 'down').toFixed()).toBe('-2.34');
    expect(round(dec('2.341'), 2, 'up').toFixed()).toBe('2.35');
    expect(decimalFixed(dec('-0.001'), 2)).toBe('0.00');
  });

  it('rounds a tie toward +infinity in half-ceiling mode (a credit added to a whole-cent month)', () => {
    expect(round(dec('0.215'), 2, 'half-ceiling').toFixed(2)).toBe('0.22');
    expect(round(dec('-0.215'), 2, 'half-ceiling').toFixed(2)).toBe('-0.21');
    expect(round(dec('-0.2151'), 2, 'half-ceiling').toFixed(2)).toBe('-0.22');
    expect(round(dec('-0.2149'), 2, 'half-ceiling').toFixed(2)).toBe('-0.21');
    expect(round(dec('-2.5'), 0, 'half-ceiling').toFixed(0)).toBe('-2');
    // 161.25 billed for the month plus the rounded credit = the wanted 161.035 rounded half-up.
    const credit = round(dec('161.035').minus(dec('161.25')), 2, 'half-ceiling');
    expect(dec('161.25').plus(credit).toFixed(2)).toBe(round(dec('161.035'), 2, 'half-up').toFixed(2));
  });
});

describe('Money', () => {
  it('keeps exact sums where floats drift', () => {
    const m = sumMoney(
      Array.from({ length: 10 }, () => Money.of('0.1', 'USD')),
      'USD',
    );
    expect(m.toString()).toBe('1');
  });

  it('refuses mixing currencies', () => {
    expect(() => Money.of('1', 'USD').add(Money.of('1', 'EUR'))).toThrow(/currency mismatch/);
    expect(() => Money.of('1', 'usd')).toThrow(/ISO currency/);
  });

  it('round-trips through the wire format', () => {
    fc.assert(
      fc.property(decimalText, (text) => {
        const m = Money.of(text, 'EUR');
        const back = Money.fromJSON(JSON.parse(JSON.stringify(m)));
        expect(back.eq(m)).toBe(true);
        expect(typeof m.toJSON().amount).toBe('string');
      }),
    );
  });

  it('add/sub are inverse and addition commutes', () => {
    fc.assert(
      fc.property(decimalText, decimalText, (a, b) => {
        const x = Money.of(a, 'USD');
        const y = Money.of(b, 'USD');
        expect(x.add(y).sub(y).eq(x)).toBe(true);
        expect(x.add(y).eq(y.add(x))).toBe(true);
      }),
    );
  });

  it('rounding down never increases the magnitude and stays within one unit of the last place', () => {
    fc.assert(
      fc.property(decimalText, (a) => {
        const m = Money.of(a, 'USD');
        const r = m.round(2, 'down');
        expect(r.abs().cmp(m.abs())).toBeLessThanOrEqual(0);
        expect(m.sub(r).abs().cmp(Money.of('0.01', 'USD'))).toBe(-1);
      }),
    );
  });

  it('proration by days is exact before rounding', () => {
    const monthly = Money.of('22.00', 'USD');
    const part = monthly.times(12).div(30);
    expect(part.toString()).toBe('8.8');
    expect(Money.of('10', 'USD').div(3).round(2, 'half-up').toFixed(2)).toBe('3.33');
  });
});
