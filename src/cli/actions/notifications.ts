import type { Command } from 'commander';
import {
  listNotificationViews,
  listOutboxViews,
  readAllNotifications,
  readNotification,
} from '../../notifications/notification-views';
import { withContext } from '../context';
import { output, table } from '../output';
import { resolveCliWorkspace } from '../workspace-option';

/** `billsync notifications list`: newest first, with the unread count. */
export async function listNotifications(
  opts: { unread?: boolean; workspace?: string },
  cmd: Command,
): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const page = await withContext(async ({ db }) => {
    const ws = await resolveCliWorkspace(db.pool, opts.workspace, out.info);
    return listNotificationViews(db.pool, ws, { unreadOnly: Boolean(opts.unread), limit: 50 });
  });
  out.result(page, () =>
    [
      `${page.unread} unread`,
      ...(page.items.length
        ? [
            table(
              ['ID', 'WHEN', 'LEVEL', 'TITLE', 'LINK'],
              page.items.map((i) => [
                i.id,
                i.createdAt.slice(0, 16),
                i.readAt ? i.level : `${i.level} *`,
                i.title,
                i.link,
              ]),
            ),
          ]
        : []),
    ].join('\n'),
  );
}

/** `billsync notifications read <id|all>`. */
export async function readNotifications(
  id: string,
  opts: { workspace?: string },
  cmd: Command,
): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const result = await withContext(async ({ db }) => {
    const ws = await resolveCliWorkspace(db.pool, opts.workspace, out.info);
    return id === 'all' ? readAllNotifications(db.pool, ws) : readNotification(db.pool, ws, id);
  });
  out.result(result, `${result.unread} unread`);
}

/** `billsync notifications outbox`: notification e-mails. */
export async function outbox(opts: { workspace?: string }, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const items = await withContext(async ({ db }) => {
    const ws = await resolveCliWorkspace(db.pool, opts.workspace, out.info);
    return listOutboxViews(db.pool, ws, { limit: 50 });
  });
  out.result(items, () =>
    items.length
      ? table(
          ['WHEN', 'STATUS', 'TO', 'SUBJECT'],
          items.map((m) => [m.createdAt.slice(0, 16), m.status, m.recipients.join(', '), m.subject]),
        )
      : 'No notification e-mails yet.',
  );
}
