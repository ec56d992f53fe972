/**
 * The one date format of the app: calendar dates as DD MMM YYYY (`07 Oct 2025`; the API's YYYY-MM-DD dates are
 * UTC calendar dates), instants as DD MMM YYYY, HH:mm and the time zone they are shown in (`07 Oct 2025, 14:05
 * UTC`). Month names are English whatever the browser's language, as in every message of billsync.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-09-01` -> `01 Sep 2026`. */
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

const parts = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'numeric',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

/** An instant in the browser's time zone, with the zone: `27 Nov 2026, 21:43 UTC`, `27 Nov 2026, 22:43 GMT+1`. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p: Record<string, string> = {};
  for (const { type, value } of parts.formatToParts(d)) p[type] = value;
  const month = MONTHS[Number(p.month) - 1] ?? p.month;
  return `${p.day} ${month} ${p.year}, ${p.hour}:${p.minute} ${p.timeZoneName ?? ''}`.trim();
}

/** `3 minutes ago`, `yesterday`, ... for recent instants; the date and time beyond a week. */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const seconds = Math.round((t - now) / 1000);
  const abs = Math.abs(seconds);
  const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  if (abs < 45) return 'just now';
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86_400) return rtf.format(Math.round(seconds / 86_400), 'day');
  return formatDateTime(iso);
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
