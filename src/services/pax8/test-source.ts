import type { WorkspaceId } from '../../core/ids';
import { recordAudit } from '../../db/repos/audit';
import type { ConnectionStatus } from '../../db/repos/connections';
import { createPax8Client } from '../../sources/pax8';
import type { Pax8Deps } from './deps';
import { pax8ConnectionOf, requirePax8Source, writePax8Status } from './store';
import { describePax8Failure } from './words';

export interface Pax8Test {
  ok: boolean;
  status: ConnectionStatus;
  message: string;
}

/**
 * Tests the stored Pax8 connection and records the outcome on the card: a token (client credentials) and one
 * cheap call (the first company).
 */
export async function testPax8Source(deps: Pax8Deps, ws: WorkspaceId, actor: string): Promise<Pax8Test> {
  const loaded = await requirePax8Source(deps.pool, deps.box, ws);
  let outcome: Pax8Test;
  try {
    const client = createPax8Client({
      connection: pax8ConnectionOf(loaded),
      ...(deps.http ? { http: deps.http } : {}),
    });
    await client.check();
    outcome = {
      ok: true,
      status: 'connected',
      message: 'Connected to Pax8: the API credentials sign in and read the company list',
    };
  } catch (error) {
    outcome = { ok: false, status: 'error', message: describePax8Failure(error) };
  }
  await writePax8Status(deps.pool, ws, {
    status: outcome.status,
    message: outcome.message,
    at: deps.clock.now(),
  });
  await recordAudit(deps.pool, {
    workspaceId: ws,
    actor,
    action: 'connection.test',
    targetType: 'connection',
    targetId: loaded.row.id,
    details: { kind: 'pax8', status: outcome.status },
  });
  return outcome;
}
