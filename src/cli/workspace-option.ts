import { isUuid, type WorkspaceId } from '../core/ids';
import type { Pool } from '../db/pool';
import { findWorkspaceByName, getWorkspace, listWorkspaces } from '../db/repos/workspaces';
import { AppError } from '../services/errors';

/**
 * The workspace a CLI command acts on: the one named by --workspace, else the only one there is. With
 * `createIfNone`, an empty database gets a first workspace (so `user create` works before the web setup).
 */
export async function resolveCliWorkspace(
  pool: Pool,
  ref: string | undefined,
  info: (m: string) => void,
  options: { createIfNone?: boolean } = {},
): Promise<WorkspaceId> {
  if (ref) {
    const ws = isUuid(ref)
      ? await getWorkspace(pool, ref as WorkspaceId)
      : await findWorkspaceByName(pool, ref);
    if (!ws) throw new AppError('not_found', `No workspace "${ref}": see \`billsync workspace list\``);
    return ws.id;
  }
  const all = await listWorkspaces(pool);
  if (all.length === 1) return all[0]!.id;
  if (all.length === 0) {
    if (!options.createIfNone) {
      throw new AppError(
        'bad_request',
        'No workspace yet: open the web app to set one up, or run `billsync user create`',
      );
    }
    // Loaded only here: the auth services bring the password checker, which a read-only command never needs.
    const { createWorkspace } = await import('../services/auth');
    const ws = await createWorkspace(pool, 'My MSP', 'cli');
    info(`No workspace existed: created "${ws.name}" (${ws.id}); rename it in Settings.`);
    return ws.id;
  }
  throw new AppError('bad_request', 'There are several workspaces: name one with --workspace <name or id>');
}
