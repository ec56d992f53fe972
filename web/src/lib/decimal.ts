/**
 * Exact arithmetic on the API's decimal strings (`231.00`, `-12.5`), for the few sums the pages show: the money
 * itself is computed on the server; this only subtracts two figures it sent, without floating-point error.
 */

const SHAPE = /^(-)?(\d+)(?:\.(\d+))?$/;

function parse(text: string): { units: bigint; scale: number } | undefined {
  const m = SHAPE.exec(text.trim());
  if (!m) return undefined;
  const fraction = m[3] ?? '';
  const units = BigInt(`${m[2]}${fraction}`);
  return { units: m[1] ? -units : units, scale: fraction.length };
}

function render(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** `a - b` exactly, with the larger number of decimals of the two; undefined when either is not a decimal. */
export function subtractDecimal(a: string, b: string): string | undefined {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return undefined;
  const scale = Math.max(x.scale, y.scale);
  const lift = (v: { units: bigint; scale: number }) => v.units * 10n ** BigInt(scale - v.scale);
  return render(lift(x) - lift(y), scale);
}

/** Whether a decimal string is zero (`0`, `0.00`, `-0.0`). */
export function isZeroDecimal(text: string): boolean {
  return parse(text)?.units === 0n;
}
