import type { Decimal } from '../money/decimal';

/** A unit price in messages: at least two decimals ("22.00", "19.375"), as invoices show them. */
export function priceText(value: Decimal): string {
  const plain = value.toFixed();
  const decimals = plain.includes('.') ? plain.split('.')[1]!.length : 0;
  return decimals >= 2 ? plain : value.toFixed(2);
}
