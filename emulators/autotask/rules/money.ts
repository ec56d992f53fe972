/**
 * Rounds to 2 decimals, half away from zero ("half-up" on magnitudes), via decimal exponent notation so that
 * values like 1.005 (binary 1.00499...) round to 1.01 as a person would. Used whenever the emulator produces
 * a price (ContractServiceUnits price/cost, billing item amounts).
 */
export function round2(value: number): number {
  const sign = value < 0 ? -1 : 1;
  // Shift the decimal point in the shortest decimal text of the number ("1.005e+0" -> "1.005e2" = 100.5).
  const [mantissa, exponent] = Math.abs(value).toExponential().split('e');
  const cents = Math.round(Number(`${mantissa}e${Number(exponent) + 2}`));
  return cents === 0 ? 0 : sign * Number(`${cents}e-2`);
}

/** round2 that keeps null/undefined as null. */
export function round2OrNull(value: unknown): number | null {
  return typeof value === 'number' ? round2(value) : null;
}
