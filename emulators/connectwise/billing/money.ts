/**
 * Exact money arithmetic: quantities and unit amounts are scaled to 4 decimals as BigInt, products are taken
 * exactly and rounded once to cents, half away from zero. Floats never round twice.
 */
const SCALE = 10_000n;

/** A JSON number as an integer number of 1/10,000 (prices and quantities carry at most 4 decimals here). */
export function scaled(x: number): bigint {
  const [int, frac = ''] = Math.abs(x).toFixed(4).split('.');
  const v = BigInt(int as string) * SCALE + BigInt(frac.padEnd(4, '0').slice(0, 4));
  return x < 0 ? -v : v;
}

/** n / d rounded half away from zero (d > 0). */
export function divRound(n: bigint, d: bigint): bigint {
  const neg = n < 0n;
  const a = neg ? -n : n;
  const q = (a * 2n + d) / (2n * d);
  return neg ? -q : q;
}

/** quantity × unit amount × num / den, in cents. */
export function centsOf(quantity: number, unit: number, num = 1, den = 1): bigint {
  return divRound(scaled(quantity) * scaled(unit) * 100n * BigInt(num), SCALE * SCALE * BigInt(den));
}

/** Cents as a JSON number with 2 decimals (computed fields like extPrice). */
export function centsToNumber(cents: bigint): number {
  return Number(cents) / 100;
}

/** Cents as `"-12.35"` (the billing report, like the Autotask emulator's). */
export function formatCents(cents: bigint): string {
  const neg = cents < 0n;
  const a = neg ? -cents : cents;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}
