import BigJs from 'big.js';

/**
 * Exact decimals for money and quantities. One constructor, configured once: 28 decimal places for division,
 * half-up unless a call names another mode. The constructor is private to this module: values come in through
 * `dec`/`parseDecimal`, which refuse fractional JS numbers (never a float). big.js's own strict mode is off
 * because it also refuses small integer literals in comparisons (`x.gt(0)`), which are exact and common.
 */
const D = BigJs();
D.DP = 28;
D.RM = 1;
D.NE = -30;
D.PE = 40;

export type Decimal = BigJs.Big;

/**
 * How to round to a number of decimal places. `down` truncates toward zero (Microsoft's subtotals do that);
 * `half-up` takes a tie away from zero; `half-ceiling` takes a tie toward +infinity (-0.215 to -0.21): a
 * difference added to a whole-cent amount then gives that sum rounded half-up.
 */
export type RoundingMode = 'half-up' | 'half-even' | 'down' | 'up' | 'half-ceiling';

const MODE: Record<Exclude<RoundingMode, 'half-ceiling'>, BigJs.RoundingMode> = {
  down: 0,
  'half-up': 1,
  'half-even': 2,
  up: 3,
};

const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** Parses a plain decimal string ("12.345", "-3", "0.5"); no exponents, no thousands separators. */
export function parseDecimal(text: string): Decimal {
  const t = text.trim();
  if (!DECIMAL_TEXT.test(t)) throw new RangeError(`not a decimal number: ${JSON.stringify(text)}`);
  return new D(t.startsWith('+') ? t.slice(1) : t);
}

/** Like parseDecimal but returns undefined instead of throwing, for importers that build their own message. */
export function tryParseDecimal(text: string): Decimal | undefined {
  const t = text.trim();
  return DECIMAL_TEXT.test(t) ? new D(t.startsWith('+') ? t.slice(1) : t) : undefined;
}

/** A decimal from a string, a bigint or a safe integer. Fractional JS numbers are refused. */
export function dec(value: string | bigint | number | Decimal): Decimal {
  if (value instanceof D) return value;
  if (typeof value === 'string') return parseDecimal(value);
  if (typeof value === 'bigint') return new D(value.toString());
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new RangeError(`refusing a non-integer JS number as a decimal: ${value}`);
    return new D(String(value));
  }
  return new D((value as Decimal).toString());
}

export function round(value: Decimal, places: number, mode: RoundingMode): Decimal {
  if (mode !== 'half-ceiling') return value.round(places, MODE[mode]);
  // floor(x + half a unit): positive values round as half-up; a negative tie goes toward zero.
  const half = new D(5).times(new D(10).pow(-(places + 1)));
  const shifted = value.plus(half);
  const truncated = shifted.round(places, 0);
  return truncated.gt(shifted) ? truncated.minus(new D(10).pow(-places)) : truncated;
}

/** Canonical text: no exponent, no trailing zeros beyond what is needed ("12.5", "-3", "0"). */
export function decimalText(value: Decimal): string {
  const s = value.toFixed();
  return s === '-0' ? '0' : s;
}

/** Text with exactly `places` decimals, rounding by `mode` ("12.50"). */
export function decimalFixed(value: Decimal, places: number, mode: RoundingMode = 'half-up'): string {
  const s = round(value, places, mode).toFixed(places);
  return /^-0(\.0+)?$/.test(s) ? s.slice(1) : s;
}

export const ZERO: Decimal = new D('0');
export const ONE: Decimal = new D('1');

/** The sum of some decimals (0 for none). */
export function sumDecimals(values: readonly Decimal[]): Decimal {
  return values.reduce((a, b) => a.plus(b), ZERO);
}
