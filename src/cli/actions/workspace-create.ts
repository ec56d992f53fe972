import type { Command } from 'commander';
import { parseRule, WorkspaceNameRule } from '../../services/account-rules';
import { createWorkspace } from '../../services/auth';
import { withContext } from '../context';
import { output } from '../output';

export async function workspaceCreate(opts: { name: string }, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  // The API's rule, checked before the database opens (the service checks it again).
  const name = parseRule(WorkspaceNameRule, opts.name);
  const created = await withContext(({ db }) => createWorkspace(db.pool, name, 'cli'));
  out.result({ id: created.id, name: created.name }, `Created workspace "${created.name}" (${created.id})`);
}
