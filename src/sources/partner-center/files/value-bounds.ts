import { type Decimal, tryParseDecimal } from '../../../core/money';

/**
 * The range of a number Microsoft can bill, so a file (or an API answer) with a 400-digit quantity or a price with
 * 60 decimals is refused at its row instead of flowing into the planner, the database and the PSA.
 * - Decimals: at most 28, the scale of .NET's `decimal` in which Partner Center computes and serializes money
 *   (trailing zeros do not count: `12.50000` has one decimal).
 * - Amounts (prices, subtotals, costs): |x| <= 10^12, far above any invoice line of a CSP partner.
 * - License quantities (recon rows): |q| <= 1,000,000 seats on one line.
 * - Azure usage quantities count the meter's own units (10K transactions, GB, hours): |q| <= 10^9 per day.
 */
export interface DecimalBounds {
  /** `a quantity`, `an amount`: how the expected value is named in errors. */
  what: string;
  /** The largest magnitude accepted. */
  limit: number;
  maxDecimals: number;
}

export const MAX_DECIMALS = 28;
export const AMOUNT_BOUNDS: DecimalBounds = { what: 'an amount', limit: 1e12, maxDecimals: MAX_DECIMALS };
export const LICENSE_QUANTITY_BOUNDS: DecimalBounds = {
  what: 'a quantity',
  limit: 1_000_000,
  maxDecimals: MAX_DECIMALS,
};
export const USAGE_QUANTITY_BOUNDS: DecimalBounds = {
  what: 'a quantity',
  limit: 1e9,
  maxDecimals: MAX_DECIMALS,
};

const grouped = (n: number) => n.toLocaleString('en-US');

/** What a value within the bounds looks like, for error messages. */
export function boundsExpected(b: DecimalBounds): string {
  return `${b.what} from -${grouped(b.limit)} to ${grouped(b.limit)} with at most ${b.maxDecimals} decimals`;
}

/** Decimal places of a value (big.js keeps its digits in `c` and the exponent of the first one in `e`). */
function decimalPlaces(d: Decimal): number {
  return Math.max(0, d.c.length - d.e - 1);
}

/**
 * The decimal of a text when it is one and within the bounds; otherwise what was expected there (the decimal
 * format, or the bounds). Linear in the text, which the CSV reader already caps (csv-scan.ts).
 */
export function boundedDecimal(text: string, b: DecimalBounds, formatExpected: string): Decimal | string {
  const d = tryParseDecimal(text);
  if (d === undefined) return formatExpected;
  if (d.abs().gt(b.limit) || decimalPlaces(d) > b.maxDecimals) return boundsExpected(b);
  return d;
}
