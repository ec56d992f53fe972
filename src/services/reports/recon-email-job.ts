import type { WorkspaceId } from '../../core/ids';
import { type Queryable, withTransaction } from '../../db/pool';
import { type OutboxRow, type OutboxStatus, setMailStatus } from '../../db/repos/notifications';
import type { TargetKind } from '../../db/repos/sync';
import { withLock } from '../../engine/locks';
import { withPsaSlot } from '../../engine/psa-slots';
import type { Mailer } from '../../notifications/mailer';
import { AppError } from '../errors';
import type { SyncDeps } from '../sync/psa';
import { composeReconMessage, reconLink } from './recon-email';
import type { LeakageWire, ReconMonthWire } from './reconciliation-schemas';

/**
 * Sends the monthly reconciliation e-mail of each program whose setting `reconEmail` is on, once per period: the
 * period of the newest imported invoice. Called when a workspace's daily check finishes (the hook passes the PSAs
 * it has just queued syncs for).
 *
 * When: the daily check that finds a new invoice queues the syncs of its period; figures read then would only
 * say "not synced yet". So a PSA whose syncs this check queued waits for the next daily check, by which time its
 * syncs have run, and the e-mail shows what the PSA really bills. A PSA that does not sync is reported at once.
 *
 * Once: a row of `recon_emails` per (workspace, PSA, period), inserted with the outbox row in one transaction, is
 * the fence, and a program's e-mail is handled under an advisory lock (two checks at once: one sends, the other
 * skips). A send that fails stays `failed` in the outbox and is retried by the next daily checks (up to
 * MAX_ATTEMPTS in all). As with run e-mails, a crash between the SMTP server's acceptance and the `sent` mark can
 * send it twice.
 * Without SMTP the message is kept in the outbox (`held`), listed with the others.
 *
 * The reconciliation service comes in as parameters (`reconMonth`, `reconLeakage`), so tests can stub it.
 */

export type ReconMonthFn = (
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  q: { period?: string; refresh?: boolean },
) => Promise<ReconMonthWire>;

export type ReconLeakageFn = (
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  q: { period?: string; refresh?: boolean },
) => Promise<LeakageWire>;

export interface ReconEmailDeps {
  /** The engine's dependencies: the figures are read from the PSA (pool, clock, openTarget). */
  sync: SyncDeps;
  mailer: Mailer;
  /** BILLSYNC_PUBLIC_URL: the link is the reconciliation page under it (recon-email.ts reconLink). */
  publicUrl: string;
  reconMonth: ReconMonthFn;
  reconLeakage: ReconLeakageFn;
  log?: (message: string) => void;
}

export type ReconEmailOutcome =
  | { target: TargetKind; period: string | null; skipped: string }
  | { target: TargetKind; period: string; email: EmailOutcome };

/** Sends of one period's message in all (daily checks retry a failed one until then). */
export const MAX_ATTEMPTS = 5;

interface ReconProgram {
  target: TargetKind;
  emails: string[] | null;
}

/** The programs of the workspace whose reconciliation e-mail is on (read from the stored settings). */
async function programsWithReconEmail(db: Queryable, ws: WorkspaceId): Promise<ReconProgram[]> {
  const res = await db.query<ReconProgram>(
    `select target, settings->'emails' as emails from programs
     where workspace_id = $1 and coalesce((settings->>'reconEmail')::boolean, false) order by target`,
    [ws],
  );
  return res.rows;
}

/**
 * The billing period of the workspace's newest invoice issued by `today`: the period an e-mail is due for (the
 * month the reconciliation page shows first; a later month is not decided yet).
 */
async function newestPeriod(db: Queryable, ws: WorkspaceId, today: string): Promise<string | null> {
  const res = await db.query<{ period: string | null }>(
    'select max(billing_period) as period from invoices where workspace_id = $1 and issue_date <= $2::date',
    [ws, today],
  );
  return res.rows[0]?.period ?? null;
}

interface Stored {
  /** Null when the outbox row was deleted since. */
  outbox: OutboxRow | null;
}

/** The period's message, when one was stored. */
async function storedMessage(
  db: Queryable,
  ws: WorkspaceId,
  target: TargetKind,
  period: string,
): Promise<Stored | undefined> {
  const res = await db.query<{ outbox_id: string | null }>(
    'select outbox_id from recon_emails where workspace_id = $1 and target = $2 and period = $3',
    [ws, target, period],
  );
  const row = res.rows[0];
  if (!row) return undefined;
  if (!row.outbox_id) return { outbox: null };
  const mail = await db.query<OutboxRow>('select * from outbox where id = $1', [row.outbox_id]);
  return { outbox: mail.rows[0] ?? null };
}

/**
 * Stores the period's message and claims the period in one transaction; undefined when another caller claimed
 * it first.
 */
async function storeMessage(
  deps: ReconEmailDeps,
  m: {
    ws: WorkspaceId;
    target: TargetKind;
    period: string;
    recipients: string[];
    subject: string;
    text: string;
    html: string;
  },
): Promise<OutboxRow | undefined> {
  return withTransaction(deps.sync.pool, async (tx) => {
    const claimed = await tx.query(
      `insert into recon_emails (workspace_id, target, period) values ($1, $2, $3) on conflict do nothing`,
      [m.ws, m.target, m.period],
    );
    if ((claimed.rowCount ?? 0) === 0) return undefined;
    const status: OutboxStatus = deps.mailer.configured ? 'pending' : 'held';
    const res = await tx.query<OutboxRow>(
      `insert into outbox (workspace_id, run_id, recipients, subject, text_body, html_body, status)
       values ($1, null, $2, $3, $4, $5, $6) returning *`,
      [m.ws, m.recipients, m.subject, m.text, m.html, status],
    );
    const row = res.rows[0]!;
    await tx.query(
      'update recon_emails set outbox_id = $4 where workspace_id = $1 and target = $2 and period = $3',
      [m.ws, m.target, m.period, row.id],
    );
    return row;
  });
}

/** Sends a stored message; a failure is recorded on it (and logged), not thrown: the next daily check retries. */
async function deliver(deps: ReconEmailDeps, row: OutboxRow): Promise<EmailOutcome> {
  try {
    await deps.mailer.send({
      to: row.recipients,
      subject: row.subject,
      text: row.text_body,
      html: row.html_body,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await setMailStatus(deps.sync.pool, row.id, 'failed', message);
    deps.log?.(`reconciliation e-mail ${row.id}: not sent (${message}); the next daily check retries it`);
    return 'failed';
  }
  await setMailStatus(deps.sync.pool, row.id, 'sent');
  return 'sent';
}

/**
 * A message stored earlier: sent, kept, or sent again after a failure. Under the program's lock a `pending` one
 * has no live sender (it died before the `sent` mark), so it is sent again too.
 */
async function resume(deps: ReconEmailDeps, stored: Stored): Promise<EmailOutcome> {
  const row = stored.outbox;
  if (!row || row.status === 'sent') return 'already-sent';
  if (row.status === 'held') return 'held';
  if (deps.mailer.configured && row.attempts < MAX_ATTEMPTS) return deliver(deps, row);
  return 'failed';
}

type EmailOutcome = 'sent' | 'held' | 'already-sent' | 'failed';

const lockKey = (ws: WorkspaceId, target: TargetKind) => `billsync:recon-email:${ws}:${target}`;

/** One program's e-mail, under a lock of its own: two daily checks of a workspace at once do not both send. */
async function forProgram(
  deps: ReconEmailDeps,
  ws: WorkspaceId,
  program: ReconProgram,
  period: string,
  syncsQueued: readonly TargetKind[],
): Promise<ReconEmailOutcome> {
  try {
    return await withLock(deps.sync.pool, lockKey(ws, program.target), () =>
      lockedForProgram(deps, ws, program, period, syncsQueued),
    );
  } catch (error) {
    if (error instanceof AppError && error.code === 'conflict')
      return { target: program.target, period, skipped: 'another worker is sending it' };
    throw error;
  }
}

async function lockedForProgram(
  deps: ReconEmailDeps,
  ws: WorkspaceId,
  program: ReconProgram,
  period: string,
  syncsQueued: readonly TargetKind[],
): Promise<ReconEmailOutcome> {
  const { target } = program;
  const earlier = await storedMessage(deps.sync.pool, ws, target, period);
  if (earlier) return { target, period, email: await resume(deps, earlier) };
  const recipients = [...new Set((program.emails ?? []).map((e) => e.trim()).filter(Boolean))];
  if (recipients.length === 0)
    return { target, period, skipped: 'the program has no notification addresses' };
  if (syncsQueued.includes(target)) {
    return {
      target,
      period,
      skipped: 'syncs of new invoices were just queued: the next daily check sends it',
    };
  }
  // Read from the PSA afresh (it may have been edited by hand since a cached reading), holding a PSA slot like
  // the syncs (a background reading should not crowd them out); the leakage then uses that same reading.
  const { month, leakage } = await withPsaSlot(deps.sync.pool, ws, target, async () => ({
    month: await deps.reconMonth(deps.sync, ws, target, { period, refresh: true }),
    leakage: await deps.reconLeakage(deps.sync, ws, target, { period }),
  }));
  if (month.period !== period) return { target, period, skipped: `no figures for ${period}` };
  const message = composeReconMessage(month, leakage, reconLink(deps.publicUrl, target, period));
  const row = await storeMessage(deps, { ws, target, period, recipients, ...message });
  if (!row) return { target, period, email: 'already-sent' };
  if (row.status === 'held') return { target, period, email: 'held' };
  return { target, period, email: await deliver(deps, row) };
}

/**
 * The reconciliation e-mails a workspace is due, one outcome per program with the setting on. `syncsQueued`:
 * the PSAs whose syncs the daily check has just queued (they wait for the next check). A PSA whose figures cannot
 * be read (the PSA is down) is skipped with the reason and tried again at the next daily check.
 */
export async function sendReconEmails(
  deps: ReconEmailDeps,
  ws: WorkspaceId,
  o: { syncsQueued?: readonly TargetKind[] } = {},
): Promise<ReconEmailOutcome[]> {
  const programs = await programsWithReconEmail(deps.sync.pool, ws);
  if (programs.length === 0) return [];
  const period = await newestPeriod(deps.sync.pool, ws, deps.sync.clock.today());
  const out: ReconEmailOutcome[] = [];
  for (const program of programs) {
    if (!period) {
      out.push({ target: program.target, period: null, skipped: 'no invoice imported yet' });
      continue;
    }
    try {
      out.push(await forProgram(deps, ws, program, period, o.syncsQueued ?? []));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      deps.log?.(`reconciliation e-mail of ${ws} ${program.target} ${period}: ${message}`);
      out.push({ target: program.target, period, skipped: message });
    }
  }
  return out;
}

/**
 * The daily check's hook: sends what is due and never fails the check (an e-mail that could not go is retried
 * by the next one). `queued` is the check's result's `queued` list.
 */
export async function reconEmailsAfterDailyCheck(
  deps: ReconEmailDeps,
  ws: WorkspaceId,
  queued: readonly { target: TargetKind; thenCustomers: boolean }[],
): Promise<ReconEmailOutcome[]> {
  try {
    const outcomes = await sendReconEmails(deps, ws, {
      syncsQueued: queued.filter((q) => q.thenCustomers).map((q) => q.target),
    });
    for (const o of outcomes) {
      if ('email' in o && (o.email === 'sent' || o.email === 'held'))
        deps.log?.(`reconciliation e-mail of ${ws} ${o.target} ${o.period}: ${o.email}`);
    }
    return outcomes;
  } catch (error) {
    deps.log?.(
      `reconciliation e-mails of ${ws}: ${error instanceof Error ? error.message : String(error)}; the next daily check tries again`,
    );
    return [];
  }
}
