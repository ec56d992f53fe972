/**
 * Display formats, one of each for the whole app: dates and instants (dates.ts), money (money.ts) and counts.
 * Pages import them from here.
 */

export {
  firstOfMonthUtc,
  formatDateTime,
  formatPeriod,
  formatPeriodShort,
  formatPlainDate,
  formatRelative,
  isPlainDate,
  todayUtc,
} from './dates';
export { currencyOfOffers, formatDelta, formatMoney, formatMoneyCompact } from './money';

const counts = new Intl.NumberFormat('en');

/** `1234` -> `1,234`. */
export function formatCount(n: number): string {
  return counts.format(n);
}

/** `1 customer`, `3 customers`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
