import type { WorkspaceId } from '../../core/ids';
import { type ConnectionView, getConnectionView, saveConnection } from '../connections';
import type { Pax8Deps } from './deps';
import { type Pax8Test, testPax8Source } from './test-source';

/**
 * Saves the Pax8 connection (the client secret sealed; refused when the workspace's source is Microsoft's, see
 * one-source.ts), tests it and returns the connection as the card shows it. A failed test keeps it saved.
 */
export async function connectPax8(
  deps: Pax8Deps,
  input: { workspaceId: WorkspaceId; settings: unknown; secrets?: unknown; actor: string },
): Promise<Pax8Test & { connection: ConnectionView }> {
  const saved = await saveConnection(deps.pool, deps.box, {
    workspaceId: input.workspaceId,
    kind: 'pax8',
    settings: input.settings,
    ...(input.secrets !== undefined ? { secrets: input.secrets } : {}),
    actor: input.actor,
  });
  const tested = await testPax8Source(deps, input.workspaceId, input.actor);
  return { ...tested, connection: await getConnectionView(deps.pool, input.workspaceId, saved.id) };
}
