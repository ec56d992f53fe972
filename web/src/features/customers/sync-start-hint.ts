import type { CustomerInvoice } from '../../api/types';
import { formatPlainDate } from '../../lib/format';

/** `07 Aug 2025`, `07 Aug 2025 and 07 Sep 2025`, `07 Jun 2025, 07 Jul 2025 and 07 Aug 2025`. */
function dates(invoices: readonly CustomerInvoice[]): string {
  const days = invoices.map((i) => formatPlainDate(i.issueDate));
  if (days.length <= 1) return days.join('');
  if (days.length > 4) return `${days[0]} to ${days.at(-1)} (${days.length} invoices)`;
  return `${days.slice(0, -1).join(', ')} and ${days.at(-1)}`;
}

const issued = (invoices: readonly CustomerInvoice[], one: string, many: string) =>
  `${invoices.length === 1 ? one : many} issued ${dates(invoices)}`;

/**
 * What a sync start means for this customer's imported invoices (spec section 6: a sync takes the invoices issued
 * on or after the sync start that were not synced yet), e.g. "Includes the invoices issued 07 Oct 2025 and 07 Nov
 * 2025; the one issued 07 Sep 2025 is before it." Undefined while the date is not a date.
 */
export function syncStartHint(invoices: readonly CustomerInvoice[], syncStart: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(syncStart)) return undefined;
  if (invoices.length === 0)
    return 'No invoice of this customer is imported yet: the sync takes the first one issued on or after this day.';
  const from = invoices.filter((i) => i.issueDate >= syncStart);
  const before = invoices.filter((i) => i.issueDate < syncStart);
  const waiting = from.filter((i) => !i.synced);
  const done = from.filter((i) => i.synced);
  const parts: string[] = [];
  if (waiting.length > 0) parts.push(`Includes ${issued(waiting, 'the invoice', 'the invoices')}`);
  else if (done.length === 0)
    parts.push(
      'Includes none of the imported invoices: the sync waits for the next one issued on or after this day',
    );
  else parts.push('Nothing new to sync from this day');
  if (done.length > 0)
    parts.push(`${issued(done, 'the one', 'the ones')} ${done.length === 1 ? 'is' : 'are'} synced already`);
  if (before.length > 0)
    parts.push(`${issued(before, 'the one', 'the ones')} ${before.length === 1 ? 'is' : 'are'} before it`);
  return `${parts.join('; ')}.`;
}
