import { tryParseDecimal } from '../../core/money/decimal';
import type { TargetKind } from '../../db/repos/sync';
import { TARGET_LABEL } from '../sync/psa';
import type {
  LeakageRowWire,
  LeakageWire,
  ReconCustomerRowWire,
  ReconFlagWire,
  ReconMonthWire,
} from './reconciliation-schemas';

/**
 * The monthly reconciliation e-mail (issue 17): the month's totals, how many customers carry flags and the worst
 * of them, what nobody is billed for, and the link to the reconciliation page. Composed from the same wire objects
 * the page shows, so the e-mail and the page cannot disagree. Sending: recon-email-job.ts.
 */

/** How many flagged customers and leakage lines the e-mail lists; the page has all of them. */
export const TOP_FLAGGED = 10;
export const TOP_LEAKAGE = 5;

export interface ReconMessage {
  /** "Reconciliation for August 2025 (Autotask)" */
  title: string;
  /** "billsync: reconciliation for August 2025" */
  subject: string;
  /** The figures in one line (margin, flagged customers, leakage). */
  summary: string;
  text: string;
  html: string;
}

const MONTH = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "2025-08" -> "August 2025". */
export function monthName(period: string): string {
  const [y, m] = period.split('-').map(Number);
  if (!y || !m) return period;
  return MONTH.format(new Date(Date.UTC(y, m - 1, 1)));
}

/**
 * The reconciliation page of a period in the web app, from BILLSYNC_PUBLIC_URL as the run e-mails' links
 * (`<url>/history/<runId>`).
 */
export function reconLink(publicUrl: string, target: TargetKind, period: string): string {
  return `${publicUrl.replace(/\/$/, '')}/programs/${target}/csp/reconciliation?period=${encodeURIComponent(period)}`;
}

const FLAG_WORDS: Record<ReconFlagWire['kind'], string> = {
  differs: 'billed differently from the expected retail',
  'below-cost': 'billed below cost',
  'price-change': 'a price change the PSA does not carry yet',
  'not-synced': 'invoices not synced yet',
  problem: 'offers that cannot be billed',
};

const esc = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** Largest first by absolute amount; the name breaks ties (a stable, readable order). */
const byAmount =
  <T>(amount: (x: T) => string, name: (x: T) => string) =>
  (a: T, b: T): number => {
    const x = tryParseDecimal(amount(a))?.abs();
    const y = tryParseDecimal(amount(b))?.abs();
    const c = x && y ? y.cmp(x) : 0;
    return c || name(a).localeCompare(name(b));
  };

/**
 * The e-mail of a month: `month` is reconMonth's answer for the period and `leakage` reconLeakage's for the same
 * period; `link` the reconciliation page (reconLink).
 */
export function composeReconMessage(month: ReconMonthWire, leakage: LeakageWire, link: string): ReconMessage {
  const period = month.period ?? leakage.period;
  if (!period) throw new Error('A reconciliation e-mail needs a period with figures');
  const cur = month.currency ?? leakage.currency;
  const money = (amount: string) => (cur ? `${cur} ${amount}` : amount);
  const percent = (p: number | null) => (p === null ? 'n/a' : `${p.toFixed(1)} %`);
  const target = TARGET_LABEL[month.target];
  const name = monthName(period);
  const title = `Reconciliation for ${name} (${target})`;
  const t = month.totals;

  const flagged = month.customers.filter((c) => c.flags.length > 0);
  const top = [...flagged]
    .sort(
      byAmount<ReconCustomerRowWire>(
        (c) => c.difference,
        (c) => c.name,
      ),
    )
    .slice(0, TOP_FLAGGED);
  const moreFlagged = flagged.length - top.length;
  const kinds = (Object.keys(FLAG_WORDS) as ReconFlagWire['kind'][])
    .map((k) => ({ k, n: flagged.filter((c) => c.flags.some((f) => f.kind === k)).length }))
    .filter((x) => x.n > 0)
    .map((x) => `${x.n} ${FLAG_WORDS[x.k]}`);
  const leaks = [...leakage.rows]
    .sort(
      byAmount<LeakageRowWire>(
        (r) => r.cost,
        (r) => `${r.customerName} ${r.title}`,
      ),
    )
    .slice(0, TOP_LEAKAGE);
  const moreLeaks = leakage.rows.length - leaks.length;

  const summary = [
    `margin ${money(t.margin)} (${percent(t.marginPercent)})`,
    `${flagged.length} of ${month.customers.length} customer(s) flagged`,
    `${money(leakage.total)} not billed`,
  ].join(', ');

  const figures: [string, string][] = [
    ['Microsoft cost', money(t.cost)],
    ['Expected retail', money(t.expected)],
    [`${target} bills`, money(t.billed)],
    ['Margin', `${money(t.margin)} (${percent(t.marginPercent)})`],
    ['Difference to expected', money(t.difference)],
    ['Customers with flags', `${flagged.length} of ${month.customers.length}`],
    ['Not billed (leakage)', `${money(leakage.total)} in ${leakage.rows.length} line(s)`],
  ];
  const width = Math.max(...figures.map(([k]) => k.length)) + 2;
  const customerLine = (c: ReconCustomerRowWire) =>
    `${c.name}: ${target} bills ${money(c.billed)}, expected ${money(c.expected)}, difference ${money(c.difference)}, margin ${money(c.margin)} (${percent(c.marginPercent)})`;
  const leakLine = (r: LeakageRowWire) => `${r.customerName}: ${r.title}: ${money(r.cost)}`;

  const text = [
    `${title}.`,
    '',
    ...figures.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`),
    ...(kinds.length ? ['', `Flags: ${kinds.join(', ')}.`] : []),
    ...(top.length
      ? [
          '',
          'Flagged customers, largest difference first:',
          ...top.map((c) => `- ${customerLine(c)}. ${c.flags.map((f) => f.text).join(' / ')}`),
          ...(moreFlagged > 0 ? [`- ... and ${moreFlagged} more`] : []),
        ]
      : []),
    ...(leaks.length
      ? [
          '',
          'Not billed, largest first:',
          ...leaks.map((r) => `- ${leakLine(r)}. ${r.fix}`),
          ...(moreLeaks > 0 ? [`- ... and ${moreLeaks} more`] : []),
        ]
      : []),
    '',
    `Open the reconciliation: ${link}`,
    '',
    '-- billsync (you get this because the monthly reconciliation e-mail is on in the program settings of this PSA)',
  ].join('\n');

  const p = (s: string) => `<p style="font-family:sans-serif">${s}</p>`;
  const td = 'style="padding:4px 8px"';
  const tdNum = 'style="padding:4px 8px;text-align:right"';
  const table = (rows: string) =>
    `<table style="font-family:sans-serif;border-collapse:collapse">${rows}</table>`;
  const html = [
    `<h2 style="font-family:sans-serif">${esc(title)}</h2>`,
    table(figures.map(([k, v]) => `<tr><td ${td}>${esc(k)}</td><td ${tdNum}>${esc(v)}</td></tr>`).join('')),
    kinds.length ? p(`Flags: ${esc(kinds.join(', '))}.`) : '',
    top.length ? p('<b>Flagged customers</b>, largest difference first:') : '',
    top.length
      ? table(
          `<tr><th ${td}>Customer</th><th ${tdNum}>${esc(target)} bills</th><th ${tdNum}>Expected</th><th ${tdNum}>Difference</th><th ${tdNum}>Margin</th><th ${td}>Flags</th></tr>` +
            top
              .map(
                (c) =>
                  `<tr><td ${td}>${esc(c.name)}</td><td ${tdNum}>${esc(money(c.billed))}</td><td ${tdNum}>${esc(money(c.expected))}</td>` +
                  `<td ${tdNum}>${esc(money(c.difference))}</td><td ${tdNum}>${esc(money(c.margin))} (${esc(percent(c.marginPercent))})</td>` +
                  `<td ${td}>${c.flags.map((f) => esc(f.text)).join('<br>')}</td></tr>`,
              )
              .join(''),
        )
      : '',
    moreFlagged > 0 ? p(`... and ${moreFlagged} more.`) : '',
    leaks.length ? p('<b>Not billed</b>, largest first:') : '',
    leaks.length
      ? table(
          leaks
            .map(
              (r) =>
                `<tr><td ${td}>${esc(r.customerName)}</td><td ${td}>${esc(r.title)}</td><td ${tdNum}>${esc(money(r.cost))}</td><td ${td}>${esc(r.fix)}</td></tr>`,
            )
            .join(''),
        )
      : '',
    moreLeaks > 0 ? p(`... and ${moreLeaks} more.`) : '',
    p(`<a href="${esc(link)}">Open the reconciliation</a> (${esc(link)})`),
  ]
    .filter(Boolean)
    .join('\n');

  return { title, subject: `billsync: reconciliation for ${name}`, summary, text, html };
}
