import type { Command } from 'commander';

export function registerWorkspace(program: Command): void {
  const ws = program
    .command('workspace')
    .description('workspaces (one per MSP; several for hosted, multi-tenant use)');
  ws.command('create')
    .description('add a workspace')
    .requiredOption('--name <name>', 'workspace name (1 to 200 characters, as in the web app)')
    .action(async (opts: { name: string }, cmd: Command) =>
      (await import('../actions/workspace-create')).workspaceCreate(opts, cmd),
    );
  ws.command('list')
    .description('list workspaces')
    .action(async (opts: unknown, cmd: Command) =>
      (await import('../actions/workspace-list')).workspaceList(opts, cmd),
    );
}
