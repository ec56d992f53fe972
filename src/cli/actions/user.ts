import type { Command } from 'commander';
import { ROLES, type Role } from '../../db/repos/users';
import { EmailRule, parseRule } from '../../services/account-rules';
import { createUser } from '../../services/auth';
import { AppError } from '../../services/errors';
import { assertAcceptablePassword } from '../../services/password';
import { withContext } from '../context';
import { output } from '../output';
import { resolveCliWorkspace } from '../workspace-option';

export interface UserCreateOptions {
  email: string;
  password: string;
  role: string;
  workspace?: string;
}

export async function userCreate(opts: UserCreateOptions, cmd: Command): Promise<void> {
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
}
