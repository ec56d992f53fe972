/**
 * Rounds to `places` decimals, half away from zero ("half-up" on magnitudes), via decimal exponent notation so
 * that values like 1.005 (binary 1.00499...) round to 1.01 as a person would.
 */
export function roundTo(value: number, places: number): number {
  const sign = value < 0 ? -1 : 1;
  // Shift the decimal point in the shortest decimal text of the number ("1.005e+0" -> "1.005e2" = 100.5).
  const [mantissa, exponent] = Math.abs(value).toExponential().split('e');
  const scaled = Math.round(Number(`${mantissa}e${Number(exponent) + places}`));
  return scaled === 0 ? 0 : sign * Number(`${scaled}e-${places}`);
}

/**
 * Rounds to 2 decimals, half away from zero. Used whenever the emulator produces a price (ContractServiceUnits
 * price/cost, billing item amounts).
 */
export function round2(value: number): number {
  return roundTo(value, 2);
}

/** round2 that keeps null/undefined as null. */
export function round2OrNull(value: unknown): number | null {
  return typeof value === 'number' ? round2(value) : null;
}

/** Whole cents of an amount, rounded half away from zero (exact integers, for sums). */
export function toCents(value: number): number {
  return Math.round(round2(value) * 100);
}

/** Whole cents as a decimal string with 2 places: 12345 -> "123.45", -5 -> "-0.05". */
export function centsText(cents: number): string {
  const abs = Math.abs(cents);
  const text = `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return cents < 0 ? `-${text}` : text;
}

/**
 * units x price x days / periodDays in whole cents, rounded half away from zero, with integer arithmetic (the
 * price is a cents value, as on unit rows). The emulator's billing of a (partial) period, shared by approve &
 * post and the billing report so they always agree.
 */
export function proratedCents(units: number, price: number, days: number, periodDays: number): number {
  return prorateCents(BigInt(units) * BigInt(toCents(price)), days, periodDays);
}

/**
 * A whole period's amount in cents (an integer) x days / periodDays, rounded half away from zero: the prorated
 * billing of a change to posted days (e.g. (new units x new price - old units x old price) in cents).
 */
export function prorateCents(periodCents: bigint | number, days: number, periodDays: number): number {
  const numerator = BigInt(periodCents) * BigInt(days);
  const denominator = BigInt(periodDays);
  const negative = numerator < 0n;
  const abs = negative ? -numerator : numerator;
  const cents = Number((2n * abs + denominator) / (2n * denominator));
  return negative && cents !== 0 ? -cents : cents;
}
