import type { Command } from 'commander';
import { listWorkspaces } from '../../db/repos/workspaces';
import { withContext } from '../context';
import { output, table } from '../output';

// Apart from `workspace create`: a listing does not load the account rules (zod) or the password checker.
export async function workspaceList(_opts: unknown, cmd: Command): Promise<void> {
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
}
