import { dec } from '../core/money/decimal';
import type { RunStatus } from '../db/repos/runs';
import type { RunSummary } from '../engine/runs';
import type { RunDetail, RunView } from '../services/sync';
import { CliExit } from './exit';
import { EXIT, type Output, table } from './output';

export const STATUS_WORDS: Record<RunStatus, string> = {
  preview: 'Preview',
  awaiting_approval: 'Awaiting approval',
  running: 'Running',
  interrupted: 'Interrupted',
  no_change: 'No Change',
  success: 'Success',
  warning: 'Warning',
  error: 'Error',
  rejected: 'Rejected',
  superseded: 'Superseded',
};

type Counted = Pick<RunSummary, 'status' | 'items'>;

/**
 * The exit code of a command that ran or previewed syncs: 1 when a run ended in error or was interrupted (for a
 * preview: an item would fail), 2 when one finished with warnings or waits for approval, else 0.
 */
export function exitCodeOf(runs: readonly Counted[]): number {
  const failed = runs.some(
    (r) =>
      r.status === 'error' || r.status === 'interrupted' || (r.status === 'preview' && r.items.error > 0),
  );
  if (failed) return EXIT.error;
  const look = runs.some(
    (r) =>
      r.status === 'warning' ||
      r.status === 'awaiting_approval' ||
      (r.status === 'preview' && r.items.warning > 0),
  );
  return look ? EXIT.warnings : EXIT.ok;
}

const who = (r: { kind: string; customerName: string | null; tenantId: string | null }) =>
  r.kind === 'product' ? 'products' : (r.customerName ?? r.tenantId ?? '');

export function summaryTable(runs: readonly RunSummary[]): string {
  if (runs.length === 0) return 'Nothing to sync: no mapped customer has sync on.';
  return table(
    ['run', 'for', 'status', 'ok', 'warnings', 'errors', 'skipped', 'no change', 'writes', 'message'],
    runs.map((r) => [
      r.runId,
      who(r),
      STATUS_WORDS[r.status],
      r.items.ok,
      r.items.warning,
      r.items.error,
      r.items.skipped,
      r.items.no_change,
      r.writes,
      r.message,
    ]),
  );
}

/** Prints run summaries (the list with --json, a table otherwise) and ends with the exit code they mean. */
export function finishRuns(out: Output, runs: readonly RunSummary[]): void {
  out.result(runs, () => summaryTable(runs));
  const code = exitCodeOf(runs);
  if (code === EXIT.ok) return;
  const first = runs.find((r) => exitCodeOf([r]) === code);
  const note =
    first?.status === 'interrupted'
      ? `interrupted: finish it with \`billsync run resume ${first.runId}\``
      : code === EXIT.error
        ? `finished with errors: see \`billsync run show ${first?.runId}\``
        : `finished with warnings or waits for approval: see \`billsync run show ${first?.runId}\``;
  throw new CliExit(code, note, { afterOutput: true });
}

export function runsTable(runs: readonly RunView[]): string {
  if (runs.length === 0) return 'No runs yet.';
  return table(
    [
      'run',
      'created',
      'psa',
      'kind',
      'customer',
      'as of',
      'status',
      'ok',
      'warnings',
      'errors',
      'writes',
      'message',
    ],
    runs.map((r) => [
      r.id,
      r.createdAt.slice(0, 16).replace('T', ' '),
      r.target,
      r.kind,
      r.customerName ?? r.tenantId ?? '',
      r.asOf,
      STATUS_WORDS[r.status],
      r.items.ok,
      r.items.warning,
      r.items.error,
      r.writes,
      r.message,
    ]),
  );
}

export function runDetailText(r: RunDetail): string {
  const head = [
    `Run ${r.id}: ${r.kind} sync${r.customerName ? ` of ${r.customerName}` : ''} on ${r.target} as of ${r.asOf}`,
    `Status: ${STATUS_WORDS[r.status]}${r.message ? ` (${r.message})` : ''}`,
    `Created ${r.createdAt} by ${r.createdBy} (${r.trigger}); ${r.operations} PSA change(s) planned, ${r.writes} written`,
    `Journal: ${r.journal.done} done, ${r.journal.pending} pending, ${r.journal.inFlight} in flight, ${r.journal.failed} failed`,
    ...(r.monthlyDelta !== null ? [`Monthly value change: ${r.monthlyDelta}`] : []),
    ...r.journal.failures.map((f) => `  failed: ${f}`),
    '',
  ];
  const rows = r.lines.map((i) => [
    i.label,
    i.action,
    i.status,
    i.changes.map((c) => `${c.field} ${c.from ?? '-'} -> ${c.to ?? '-'}`).join('; '),
    i.monthlyDelta,
    i.messages.map((m) => (m.level === 'info' ? m.text : `${m.level}: ${m.text}`)).join(' | '),
  ]);
  const compared = r.lines.flatMap((i) =>
    (i.comparison ?? []).map((c) => [
      i.label,
      c.month,
      c.psa,
      c.invoices,
      dec(c.invoices).minus(c.psa).toFixed(2),
    ]),
  );
  return [
    ...head,
    rows.length
      ? table(['item', 'action', 'status', 'changes', 'monthly delta', 'messages'], rows)
      : 'No items.',
    ...(compared.length
      ? [
          '',
          'What the PSA bills today and what it will bill once this run is applied (the invoices), per month:',
          table(['item', 'month', 'PSA today', 'invoices', 'difference'], compared),
        ]
      : []),
  ].join('\n');
}
