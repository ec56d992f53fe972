import type { Command } from 'commander';
import { ROLES, type Role } from '../../db/repos/users';
import { EmailRule, parseRule } from '../../services/account-rules';
import { createUser } from '../../services/auth';
import { AppError } from '../../services/errors';
import { assertAcceptablePassword } from '../../services/password';
import { withContext } from '../context';
import { output } from '../output';
import { resolveCliWorkspace, WORKSPACE_OPTION } from '../workspace-option';

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
    .action(
      async (opts: { email: string; password: string; role: string; workspace?: string }, cmd: Command) => {
        const out = output(Boolean(cmd.optsWithGlobals().json));
        if (!ROLES.includes(opts.role as Role)) {
          throw new AppError('bad_request', `--role must be one of ${ROLES.join(', ')}, not "${opts.role}"`);
        }
        // The API's rules, checked before the database opens (createUser checks them again).
        const email = parseRule(EmailRule, opts.email);
        assertAcceptablePassword(opts.password, [email]);
        const created = await withContext(async ({ db }) => {
          const workspaceId = await resolveCliWorkspace(db.pool, opts.workspace, out.info, {
            createIfNone: true,
          });
          return createUser(db.pool, {
            workspaceId,
            email,
            password: opts.password,
            role: opts.role as Role,
            actor: 'cli',
          });
        });
        out.result(
          { id: created.id, email: created.email, role: created.role, workspaceId: created.workspace_id },
          `Created ${created.role} ${created.email}`,
        );
      },
    );
}
