import type { WorkspaceId } from '../../core/ids';
import { recordAudit } from '../../db/repos/audit';
import type { ConnectionStatus } from '../../db/repos/connections';
import {
  AUDIENCE,
  createPartnerCenterClient,
  isGrantRejected,
  redeemRefreshToken,
} from '../../sources/partner-center/api';
import { connectionOf, markReconnect, renewIfDue, type SourceDeps, storeRefreshToken } from './access';
import { requireApiSource, writeStatus } from './store';
import { describeFailure } from './words';

export interface SourceTest {
  ok: boolean;
  status: ConnectionStatus;
  message: string;
}

/**
 * Tests the stored Partner Center connection and records the outcome on the card: the app's own sign-in with a
 * cheap read (one customer), then the App+User consent (renewed when due, else redeemed once for the price
 * sheet's audience). Connected needs both; without a consent the card is amber ("connect for the price sheet").
 */
export async function testSource(deps: SourceDeps, ws: WorkspaceId, actor: string): Promise<SourceTest> {
  const loaded = await requireApiSource(deps.pool, deps.box, ws);
  let outcome: SourceTest;
  try {
    const client = createPartnerCenterClient({
      connection: { ...connectionOf(loaded), refreshToken: undefined },
      ...(deps.http ? { http: deps.http } : {}),
      pageSize: { customers: 1 },
    });
    let customers = 0;
    for await (const _ of client.listCustomers()) {
      customers += 1;
      break;
    }
    const app = `the app signs in and reads ${customers ? 'customers' : 'the customer list (empty)'}`;
    outcome = await consentPart(deps, loaded, app);
  } catch (error) {
    outcome = { ok: false, status: 'error', message: describeFailure(error) };
  }
  await writeStatus(deps.pool, ws, outcome.status, outcome.message, deps.clock.now());
  await recordAudit(deps.pool, {
    workspaceId: ws,
    actor,
    action: 'connection.test',
    targetType: 'connection',
    targetId: loaded.row.id,
    details: { kind: 'partner-center', status: outcome.status },
  });
  return outcome;
}

async function consentPart(
  deps: SourceDeps,
  loaded: Awaited<ReturnType<typeof requireApiSource>>,
  app: string,
): Promise<SourceTest> {
  const token = loaded.secrets.refreshToken;
  if (!token) {
    const reconnect = loaded.consent.state === 'reconnect';
    return {
      ok: true,
      status: 'needs_setup',
      message: `Partner Center: ${app}. ${reconnect ? 'The App+User consent needs a reconnect' : 'No App+User consent yet'}: click Connect so billsync can read the price sheet`,
    };
  }
  const renewal = await renewIfDue(deps, loaded);
  if (renewal.outcome === 'rejected') return { ok: false, status: 'error', message: renewal.problem };
  try {
    const redeemed = await redeemRefreshToken(
      connectionOf(loaded),
      renewal.refreshToken ?? token,
      AUDIENCE.partnerApi,
      deps.http,
    );
    await storeRefreshToken(deps, loaded.row.workspace_id, redeemed.refreshToken);
  } catch (error) {
    if (!isGrantRejected(error)) throw error;
    const problem = await markReconnect(deps, loaded.row.workspace_id, error);
    return { ok: false, status: 'error', message: problem };
  }
  const user = loaded.consent.user ? ` by ${loaded.consent.user}` : '';
  return {
    ok: true,
    status: 'connected',
    message: `Connected to Partner Center: ${app}; the App+User consent${user} works (price sheet)`,
  };
}
