import { formatDayMonthYear } from '../core/time/plain-date';
import type { NotificationLevel } from '../db/repos/notifications';
import type { RunItemRow, RunRow } from '../db/repos/runs';

/** How many items an e-mail lists; the run page has all of them. */
export const FIRST_ITEMS = 10;

const TARGET: Record<string, string> = { autotask: 'Autotask', connectwise: 'ConnectWise' };

export interface RunMessage {
  level: NotificationLevel;
  /** "Customer sync of Contoso Dental finished with warnings" */
  title: string;
  subject: string;
  /** Counts in one line, for the in-app notification. */
  summary: string;
  text: string;
  html: string;
}

const esc = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/**
 * The run's counts in one line. "Changed" counts every item that wrote, a warning item that wrote too (the MSP
 * must not read "0 changed" when the PSA was changed); an item with a warning and nothing written is a warning only.
 */
function countsOf(items: readonly RunItemRow[]): string {
  const n = { ok: 0, warning: 0, error: 0, no_change: 0, skipped: 0 };
  for (const i of items) n[i.status] += 1;
  const changed = n.ok + items.filter((i) => i.status === 'warning' && (i.changes?.length ?? 0) > 0).length;
  const parts = [
    `${n.error} error(s)`,
    `${n.warning} warning(s)`,
    `${changed} changed`,
    `${n.no_change} unchanged`,
  ];
  if (n.skipped) parts.push(`${n.skipped} skipped`);
  return parts.join(', ');
}

/** The items worth reading first: errors, then warnings, each with its error and warning messages. */
function firstItems(
  items: readonly RunItemRow[],
): { label: string; level: 'error' | 'warning'; texts: string[] }[] {
  const rank = (s: string) => (s === 'error' ? 0 : 1);
  return items
    .filter((i) => i.status === 'error' || i.status === 'warning')
    .sort((a, b) => rank(a.status) - rank(b.status) || a.seq - b.seq)
    .slice(0, FIRST_ITEMS)
    .map((i) => {
      const loud = i.messages.filter((m) => m.level !== 'info').map((m) => m.text);
      return {
        label: i.label,
        level: i.status as 'error' | 'warning',
        texts: loud.length ? loud : i.messages.map((m) => m.text),
      };
    });
}

/**
 * The notification of a run with warnings or errors (spec section 7): a title, the counts, the first items with
 * their messages and the link to the run, as plain text and HTML.
 */
export function composeRunMessage(run: RunRow, items: readonly RunItemRow[], link: string): RunMessage {
  const level: NotificationLevel = run.status === 'error' ? 'error' : 'warning';
  const what =
    run.kind === 'customer'
      ? `Customer sync of ${run.customer_name ?? run.tenant_id ?? '?'}`
      : 'Product sync';
  const title = `${what} ${level === 'error' ? 'finished with errors' : 'finished with warnings'}`;
  const summary = countsOf(items);
  const first = firstItems(items);
  const target = TARGET[run.target] ?? run.target;
  const asOf = formatDayMonthYear(run.as_of);
  const more = items.filter((i) => i.status === 'error' || i.status === 'warning').length - first.length;
  const text = [
    `${title}.`,
    '',
    `${target}, as of ${asOf}: ${summary}.`,
    ...(run.message ? [run.message] : []),
    '',
    ...first.map((i) => `- ${i.level.toUpperCase()} ${i.label}: ${i.texts.join(' / ')}`),
    ...(more > 0 ? [`- ... and ${more} more`] : []),
    '',
    `View the run: ${link}`,
    '',
    '-- billsync (you get this because your address is in the program settings of this PSA)',
  ].join('\n');
  const rows = first
    .map(
      (i) =>
        `<tr><td style="padding:4px 8px;color:${i.level === 'error' ? '#c92a2a' : '#e67700'}">${i.level}</td>` +
        `<td style="padding:4px 8px">${esc(i.label)}</td><td style="padding:4px 8px">${i.texts.map(esc).join('<br>')}</td></tr>`,
    )
    .join('');
  const html = [
    `<h2 style="font-family:sans-serif">${esc(title)}</h2>`,
    `<p style="font-family:sans-serif">${esc(target)}, as of ${esc(asOf)}: ${esc(summary)}.</p>`,
    run.message ? `<p style="font-family:sans-serif">${esc(run.message)}</p>` : '',
    rows ? `<table style="font-family:sans-serif;border-collapse:collapse">${rows}</table>` : '',
    more > 0 ? `<p style="font-family:sans-serif">... and ${more} more.</p>` : '',
    `<p style="font-family:sans-serif"><a href="${esc(link)}">View the run</a> (${esc(link)})</p>`,
  ].join('\n');
  return { level, title, subject: `[billsync] ${title}`, summary, text, html };
}
