import type { WorkspaceId } from '../core/ids';
import type { Pool } from '../db/pool';
import { insertRunNotification, putRunMail, setMailStatus } from '../db/repos/notifications';
import { getRun, listRunItems } from '../db/repos/runs';
import { getProgram, type TargetKind } from '../db/repos/sync';
import type { Mailer } from './mailer';
import { composeRunMessage } from './run-email';

export interface NotifyDeps {
  pool: Pool;
  mailer: Mailer;
  /** BILLSYNC_PUBLIC_URL: the run link is `<publicUrl>/history/<runId>`. */
  publicUrl: string;
}

export type NotifyOutcome =
  | { skipped: string }
  | { notification: 'added' | 'existed'; email: 'sent' | 'held' | 'already-sent' | 'no-recipients' };

export const runLink = (publicUrl: string, runId: string) =>
  `${publicUrl.replace(/\/$/, '')}/history/${runId}`;

/**
 * After a run with warnings or errors (spec section 7): one in-app notification and one e-mail to the program's
 * addresses, however often this is called for the run (the outbox row per run is the fence). Without SMTP the
 * message is kept in the outbox (`held`) for the app to show. A send that fails throws, so the job retries it.
 * A crash between the SMTP server's acceptance and the `sent` mark can send a message twice; nothing else can.
 */
export async function notifyRun(deps: NotifyDeps, ws: WorkspaceId, runId: string): Promise<NotifyOutcome> {
  const run = await getRun(deps.pool, ws, runId);
  if (!run) return { skipped: 'no such run in this workspace' };
  if (run.status !== 'warning' && run.status !== 'error') return { skipped: `the run is ${run.status}` };
  const link = runLink(deps.publicUrl, run.id);
  const message = composeRunMessage(run, await listRunItems(deps.pool, run.id), link);
  const added = await insertRunNotification(deps.pool, {
    workspaceId: ws,
    runId: run.id,
    level: message.level,
    title: message.title,
    body: message.summary,
    link,
  });
  const notification = added ? ('added' as const) : ('existed' as const);
  const program = await getProgram(deps.pool, ws, run.target as TargetKind);
  const recipients = [...new Set((program?.emails ?? []).map((e) => e.trim()).filter(Boolean))];
  if (recipients.length === 0) return { notification, email: 'no-recipients' };
  const { row } = await putRunMail(deps.pool, {
    workspaceId: ws,
    runId: run.id,
    recipients,
    subject: message.subject,
    text: message.text,
    html: message.html,
    status: deps.mailer.configured ? 'pending' : 'held',
  });
  if (row.status === 'sent') return { notification, email: 'already-sent' };
  // Kept in the outbox: no SMTP now (or when the message was made).
  if (row.status === 'held' || !deps.mailer.configured) return { notification, email: 'held' };
  try {
    await deps.mailer.send({
      to: row.recipients,
      subject: row.subject,
      text: row.text_body,
      html: row.html_body,
    });
  } catch (error) {
    await setMailStatus(deps.pool, row.id, 'failed', error instanceof Error ? error.message : String(error));
    throw error;
  }
  await setMailStatus(deps.pool, row.id, 'sent');
  return { notification, email: 'sent' };
}
