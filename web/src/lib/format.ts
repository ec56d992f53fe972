/** Display formats. Calendar dates of the API (YYYY-MM-DD) are UTC dates; instants show in the browser's zone. */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-09-01` -> `01 Sep 2026` (the spec's DD MMM YYYY). */
export function formatPlainDate(date: string | null | undefined): string {
  if (!date) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) return date;
  return `${m[3]} ${MONTHS[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}

/** `2026-09` -> `Sep 2026`. */
export function formatPeriod(period: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (!m) return period;
  return `${MONTHS[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}

/** `2026-09` -> `Sep` (chart axis). */
export function formatPeriodShort(period: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  return m ? (MONTHS[Number(m[2]) - 1] ?? period) : period;
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  day: '2-digit',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** An instant in the browser's time zone, e.g. `27 Nov 2026, 21:43`. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

/** `3 minutes ago`, `yesterday`, ... for recent instants; the date beyond a week. */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const seconds = Math.round((t - now) / 1000);
  const abs = Math.abs(seconds);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  if (abs < 45) return 'just now';
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86_400) return rtf.format(Math.round(seconds / 86_400), 'day');
  return formatDateTime(iso);
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** A decimal string as money: `1234.5` -> `$1,234.50` (plain number when the currency is unknown). */
export function formatMoney(value: string | number | null | undefined, currency?: string | null): string {
  if (value === null || value === undefined || value === '') return '';
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return String(value);
  const key = currency ?? '';
  let format = moneyFormats.get(key);
  if (!format) {
    format = currency
      ? new Intl.NumberFormat(undefined, { style: 'currency', currency, minimumFractionDigits: 2 })
      : new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 4 });
    moneyFormats.set(key, format);
  }
  return format.format(n);
}

/** A signed money delta: `+$12.00`, `-$3.50`. */
export function formatDelta(value: string | null | undefined, currency?: string | null): string {
  if (value === null || value === undefined || value === '') return '';
  const n = Number(value);
  if (!Number.isFinite(n)) return value;
  const text = formatMoney(Math.abs(n), currency);
  if (n > 0) return `+${text}`;
  if (n < 0) return `-${text}`;
  return text;
}

/** `1234` -> `1,234`. */
export function formatCount(n: number): string {
  return n.toLocaleString();
}

/** `1 customer`, `3 customers`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** Today's date in UTC as YYYY-MM-DD. */
export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** The first day of the current UTC month as YYYY-MM-DD (the default sync start). */
export function firstOfMonthUtc(now = new Date()): string {
  return `${now.toISOString().slice(0, 7)}-01`;
}

/** A real calendar date written YYYY-MM-DD. */
export function isPlainDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}
