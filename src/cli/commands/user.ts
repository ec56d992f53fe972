import type { Command } from 'commander';
import { ROLES } from '../../db/repos/users';
import type { UserCreateOptions } from '../actions/user';
import { WORKSPACE_OPTION } from '../options';

export function registerUser(program: Command): void {
  const user = program.command('user').description('users of a workspace');
  user
    .command('create')
    .description('add a user (creates the first workspace when there is none)')
    .requiredOption('--email <email>', 'login email (at most 320 characters; unique in its workspace)')
    .requiredOption(
      '--password <password>',
      '10 to 1,000 characters, not a common or easily guessed one (the same rule as the web app)',
    )
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'operator')
    .option(...WORKSPACE_OPTION)
    .action(async (opts: UserCreateOptions, cmd: Command) =>
      (await import('../actions/user')).userCreate(opts, cmd),
    );
  user
    .command('list')
    .description('the users of the workspace with their role and last sign-in (as Settings, Users)')
    .option(...WORKSPACE_OPTION)
    .action(async (opts: { workspace?: string }, cmd: Command) =>
      (await import('../actions/listings')).userList(opts, cmd),
    );
}
