import type { Command } from 'commander';
import { listWorkspaces } from '../../db/repos/workspaces';
import { parseRule, WorkspaceNameRule } from '../../services/account-rules';
import { createWorkspace } from '../../services/auth';
import { withContext } from '../context';
import { output, table } from '../output';

export function registerWorkspace(program: Command): void {
  const ws = program
    .command('workspace')
    .description('workspaces (one per MSP; several for hosted, multi-tenant use)');
  ws.command('create')
    .description('add a workspace')
    .requiredOption('--name <name>', 'workspace name (1 to 200 characters, as in the web app)')
    .action(async (opts: { name: string }, cmd: Command) => {
      const out = output(Boolean(cmd.optsWithGlobals().json));
      // The API's rule, checked before the database opens (the service checks it again).
      const name = parseRule(WorkspaceNameRule, opts.name);
      const created = await withContext(({ db }) => createWorkspace(db.pool, name, 'cli'));
      out.result(
        { id: created.id, name: created.name },
        `Created workspace "${created.name}" (${created.id})`,
      );
    });
  ws.command('list')
    .description('list workspaces')
    .action(async (_opts, cmd: Command) => {
      const out = output(Boolean(cmd.optsWithGlobals().json));
      const rows = await withContext(({ db }) => listWorkspaces(db.pool));
      out.result(
        rows.map((w) => ({ id: w.id, name: w.name })),
        () =>
          rows.length
            ? table(
                ['ID', 'NAME'],
                rows.map((w) => [w.id, w.name]),
              )
            : 'No workspaces yet.',
      );
    });
}
