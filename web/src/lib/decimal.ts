import Big from 'big.js';

/**
 * Exact arithmetic on the API's decimal strings (`231.00`, `-12.5`), for the few figures the pages derive (the
 * money itself is computed on the server), with big.js as the server does: never a float.
 */

function parse(text: string): Big | undefined {
  try {
    return new Big(text.trim());
  } catch {
    return undefined;
  }
}

/** `a - b` exactly, with the larger number of decimals of the two; undefined when either is not a decimal. */
export function subtractDecimal(a: string, b: string): string | undefined {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return undefined;
  const places = Math.max(decimals(a), decimals(b));
  return x.minus(y).toFixed(places);
}

/** Whether a decimal string is zero (`0`, `0.00`, `-0.0`). */
export function isZeroDecimal(text: string): boolean {
  return parse(text)?.eq(0) === true;
}

function decimals(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}
