import type { Command } from 'commander';
import {
  listNotificationViews,
  listOutboxViews,
  readAllNotifications,
  readNotification,
} from '../../notifications/notification-views';
import { withContext } from '../context';
import { output, table } from '../output';
import { resolveCliWorkspace, WORKSPACE_OPTION } from '../workspace-option';

/** `billsync notifications`: runs with warnings or errors (in-app list) and the e-mail outbox. */
export function registerNotifications(program: Command): void {
  const n = program
    .command('notifications')
    .description('notifications of runs with warnings or errors, and the e-mail outbox');

  n.command('list', { isDefault: true })
    .description('notifications, newest first, with the unread count')
    .option('--unread', 'only unread ones')
    .option(...WORKSPACE_OPTION)
    .action(async (opts: { unread?: boolean; workspace?: string }, cmd: Command) => {
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
    });

  n.command('read <id>')
    .description('mark a notification read (`all` for every one)')
    .option(...WORKSPACE_OPTION)
    .action(async (id: string, opts: { workspace?: string }, cmd: Command) => {
      const out = output(Boolean(cmd.optsWithGlobals().json));
      const result = await withContext(async ({ db }) => {
        const ws = await resolveCliWorkspace(db.pool, opts.workspace, out.info);
        return id === 'all' ? readAllNotifications(db.pool, ws) : readNotification(db.pool, ws, id);
      });
      out.result(result, `${result.unread} unread`);
    });

  n.command('outbox')
    .description('notification e-mails: sent, failed, or held (no SMTP_URL)')
    .option(...WORKSPACE_OPTION)
    .action(async (opts: { workspace?: string }, cmd: Command) => {
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
    });
}
