import type { Command } from 'commander';
import { WORKSPACE_OPTION } from '../options';

/** `billsync notifications`: runs with warnings or errors (in-app list) and the e-mail outbox. */
export function registerNotifications(program: Command): void {
  const n = program
    .command('notifications')
    .description('notifications of runs with warnings or errors, and the e-mail outbox');

  n.command('list', { isDefault: true })
    .description('notifications, newest first, with the unread count')
    .option('--unread', 'only unread ones')
    .option(...WORKSPACE_OPTION)
    .action(async (opts: { unread?: boolean; workspace?: string }, cmd: Command) =>
      (await import('../actions/notifications')).listNotifications(opts, cmd),
    );

  n.command('read <id>')
    .description('mark a notification read (`all` for every one)')
    .option(...WORKSPACE_OPTION)
    .action(async (id: string, opts: { workspace?: string }, cmd: Command) =>
      (await import('../actions/notifications')).readNotifications(id, opts, cmd),
    );

  n.command('outbox')
    .description('notification e-mails: sent, failed, or held (no SMTP_URL)')
    .option(...WORKSPACE_OPTION)
    .action(async (opts: { workspace?: string }, cmd: Command) =>
      (await import('../actions/notifications')).outbox(opts, cmd),
    );
}
