import Big from 'big.js';

/**
 * The one money format of the app: the currency code, then the amount with two decimals and thousands separated,
 * e.g. `USD 1,234.50`, `USD -3.50`; changes carry their sign, `USD +12.00`. Computed exactly from the API's
 * decimal strings (big.js, half-up to cents), never through a float.
 */

function toBig(value: string | number): Big | undefined {
  try {
    return new Big(typeof value === 'number' ? value : value.trim());
  } catch {
    return undefined;
  }
}

/** `1234.5` -> `1,234.50`; `-0.004` -> `0.00`. */
function amount(n: Big, sign: 'always' | 'negative'): string {
  const cents = n.round(2, Big.roundHalfUp);
  const negative = cents.lt(0);
  const [whole = '0', fraction = '00'] = cents.abs().toFixed(2).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const prefix = negative ? '-' : sign === 'always' && cents.gt(0) ? '+' : '';
  return `${prefix}${grouped}.${fraction}`;
}

function withCode(text: string, currency: string | null | undefined): string {
  return currency ? `${currency} ${text}` : text;
}

/** A decimal as money: `1234.5` -> `USD 1,234.50` (the amount alone when the currency is unknown). */
export function formatMoney(value: string | number | null | undefined, currency?: string | null): string {
  if (value === null || value === undefined || value === '') return '';
  const n = toBig(value);
  return n ? withCode(amount(n, 'negative'), currency) : String(value);
}

/** A change of money, signed: `USD +12.00`, `USD -3.50`, `USD 0.00`. */
export function formatDelta(value: string | number | null | undefined, currency?: string | null): string {
  if (value === null || value === undefined || value === '') return '';
  const n = toBig(value);
  return n ? withCode(amount(n, 'always'), currency) : String(value);
}

const compactNumber = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

/** A chart axis label: `USD 2.5K`. */
export function formatMoneyCompact(value: number, currency?: string | null): string {
  return withCode(compactNumber.format(value), currency);
}

/**
 * The currency of a run's items: the one of their offer keys (`product|sku|term|plan|segment|market|currency`),
 * or null when they have none or several.
 */
export function currencyOfOffers(offerKeys: readonly (string | null)[]): string | null {
  const found = new Set<string>();
  for (const key of offerKeys) {
    const currency = key?.split('|')[6];
    if (currency && /^[A-Z]{3}$/.test(currency)) found.add(currency);
  }
  return found.size === 1 ? ([...found][0] ?? null) : null;
}
