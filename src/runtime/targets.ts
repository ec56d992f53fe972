import type { WorkspaceId } from '../core/ids';
import type { TargetAdapter } from '../core/ports/target';
import type { Pool } from '../db/pool';
import { getConnectionByKind } from '../db/repos/connections';
import { getProgram, type TargetKind } from '../db/repos/sync';
import { createKeyedLimiter, createLimiter, type KeyedLimiter, type Limiter } from '../http';
import { openSecrets } from '../services/connections';
import { AppError } from '../services/errors';
import { createAutotaskAdapter } from '../targets/autotask';
import { createConnectWiseAdapter } from '../targets/connectwise';
import { leasedLimiter } from './call-slots';
import { connectWiseRate, pacedLimiter } from './rate-pacer';
import type { SecretBox } from './secret-box';

export type TargetOpener = (workspaceId: WorkspaceId, target: TargetKind) => Promise<TargetAdapter>;

const LABEL: Record<TargetKind, string> = { autotask: 'Autotask', connectwise: 'ConnectWise' };

/**
 * billsync's ConnectWise integration id (the `clientId` header, §1.4). A product registers one GUID at
 * developer.connectwise.com; deployments override it with BILLSYNC_CW_CLIENT_ID.
 */
const BILLSYNC_CLIENT_ID = 'billsync';

/** A PSA adapter from credentials as entered (not stored): the connect dialog's Test. */
export type CredentialsOpener = (
  target: TargetKind,
  settings: Readonly<Record<string, unknown>>,
  secrets: Readonly<Record<string, string>>,
) => Promise<TargetAdapter>;

/**
 * What keeps a connection's requests within the PSA's limits, shared by its adapters: ConnectWise counts requests
 * in flight and a minute's pace (`calls`), Autotask requests in flight per endpoint (`endpoints`, §3.5).
 */
interface ConnectionLimiters {
  calls: Limiter;
  endpoints: KeyedLimiter;
}

/** Autotask's threads per endpoint (§3.5); ConnectWise's requests in flight, under its advice to limit them. */
const IN_FLIGHT = 3;

const localLimiters = (): ConnectionLimiters => ({
  calls: createLimiter(IN_FLIGHT),
  endpoints: createKeyedLimiter(IN_FLIGHT),
});

function buildAdapter(
  target: TargetKind,
  settings: Readonly<Record<string, unknown>>,
  secrets: Readonly<Record<string, string>>,
  limiters: ConnectionLimiters,
  env: NodeJS.ProcessEnv,
): TargetAdapter {
  if (target === 'connectwise') return buildConnectWise(settings, secrets, limiters.calls, env);
  const username = typeof settings.username === 'string' ? settings.username : '';
  const zoneUrl = typeof settings.zoneUrl === 'string' ? settings.zoneUrl : undefined;
  if (!username || !secrets.secret || !secrets.integrationCode) {
    throw new AppError(
      'bad_request',
      'The Autotask connection is incomplete: enter the API username, secret and integration code again',
    );
  }
  const discoveryUrl = env.AUTOTASK_DISCOVERY_URL || undefined;
  return createAutotaskAdapter({
    username,
    secret: secrets.secret,
    integrationCode: secrets.integrationCode,
    limiter: limiters.endpoints,
    ...(zoneUrl ? { zoneUrl } : {}),
    ...(discoveryUrl ? { discoveryUrl } : {}),
  });
}

/**
 * ConnectWise (decision 0012): site, company id and public key are settings, the private key a secret; the
 * clientId is billsync's own (spec section 2), from `BILLSYNC_CW_CLIENT_ID` (or the connection's `clientId`).
 */
function buildConnectWise(
  settings: Readonly<Record<string, unknown>>,
  secrets: Readonly<Record<string, string>>,
  limiter: Limiter,
  env: NodeJS.ProcessEnv,
): TargetAdapter {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const site = text(settings.site);
  const companyId = text(settings.companyId);
  const publicKey = text(settings.publicKey);
  const privateKey = secrets.privateKey ?? '';
  if (!site || !companyId || !publicKey || !privateKey) {
    throw new AppError(
      'bad_request',
      'The ConnectWise connection is incomplete: enter the site, company id, public key and private key again',
    );
  }
  const catalog = (settings.catalog ?? {}) as Record<string, unknown>;
  return createConnectWiseAdapter({
    site,
    companyId,
    publicKey,
    privateKey,
    clientId: text(settings.clientId) || env.BILLSYNC_CW_CLIENT_ID?.trim() || BILLSYNC_CLIENT_ID,
    limiter,
    catalog: {
      subcategoryId: text(catalog.subcategoryId) || undefined,
      typeId: text(catalog.typeId) || undefined,
      taxable: catalog.taxable === true,
    },
  });
}

/** Opens adapters from entered credentials, each with its own limiter (a test makes one or two calls). */
export function createCredentialsOpener(env: NodeJS.ProcessEnv = process.env): CredentialsOpener {
  return async (target, settings, secrets) => buildAdapter(target, settings, secrets, localLimiters(), env);
}

/**
 * The composition root's `openTarget`: reads the workspace's stored connection, opens its secrets and builds
 * the PSA adapter. Adapters of one connection share its limiters, and they count every process's requests (in the
 * database): Autotask's 3 threads per endpoint, ConnectWise's requests in flight (6, under its advice to limit
 * parallelism) and its requests a minute.
 * The connection is read on every call: credentials saved a moment ago are the ones used.
 *
 * One adapter per connection and process (issue 14), while the connection's settings and credentials stay the
 * same, for at most `ADAPTER_REUSE_MS`: what an adapter learns once (Autotask's picklists and default charge
 * code, the threshold reading that paces every request of the connection) is not read again by every batch of
 * a sync, and the threshold pacing counts all the process's requests. Nothing read per call is kept (products,
 * contracts, billing codes: each sync reads them as they are).
 */
export function createTargetOpener(deps: {
  pool: Pool;
  box: SecretBox;
  env?: NodeJS.ProcessEnv;
}): TargetOpener {
  const env = deps.env ?? process.env;
  const limiters = new Map<string, ConnectionLimiters>();
  const adapters = new Map<string, { key: string; adapter: TargetAdapter; builtAt: number }>();
  return async (workspaceId, target) => {
    const row = await getConnectionByKind(deps.pool, workspaceId, target);
    if (!row?.credentials) {
      throw new AppError(
        'bad_request',
        `${LABEL[target]} is not connected: connect it on the Connections page (CONNECT NOW)`,
      );
    }
    let limiter = limiters.get(row.id);
    if (!limiter) {
      // Issue 14: every process takes from the same limits, kept in the database. ConnectWise limits requests per
      // minute (§3.7): one budget of tokens; Autotask requests in flight per endpoint (§3.5): places per endpoint.
      const local = localLimiters();
      limiter = {
        calls: target === 'connectwise' ? connectWiseCalls(deps.pool, row.id, env) : local.calls,
        endpoints: leasedLimiter(local.endpoints, deps.pool, row.id, { slots: IN_FLIGHT }),
      };
      limiters.set(row.id, limiter);
    }
    // ConnectWise files new catalog items where its program settings say (decision 0012); a `catalog` stored on
    // the connection (set by hand or by an older version) applies until the program has its own.
    const program = target === 'connectwise' ? await getProgram(deps.pool, workspaceId, target) : undefined;
    const settings = program?.catalog ? { ...row.settings, catalog: program.catalog } : row.settings;
    const key = `${target}|${JSON.stringify(settings)}|${row.credentials.toString('base64')}`;
    const kept = adapters.get(row.id);
    const now = Date.now();
    if (kept && kept.key === key && now - kept.builtAt < ADAPTER_REUSE_MS) return kept.adapter;
    const adapter = buildAdapter(target, settings, openSecrets(deps.box, row), limiter, env);
    adapters.set(row.id, { key, adapter, builtAt: now });
    return adapter;
  };
}

/**
 * ConnectWise documents no number of requests in flight (§3.7: "limit parallelism"): billsync keeps at most 6 over
 * every process of a connection (3 per process), as many as the syncs that run at once (`PSA_JOB_SLOTS`).
 */
const CW_IN_FLIGHT = 6;
const CW_KEY = 'requests';

/**
 * A ConnectWise connection's requests: a place among `CW_IN_FLIGHT` first, then a token of the minute's budget
 * (runtime/rate-pacer.ts), so a request starts as soon as it has its token and no rolling minute holds more
 * starts than the budget allows.
 */
function connectWiseCalls(pool: Pool, connectionId: string, env: NodeJS.ProcessEnv): Limiter {
  const places = leasedLimiter(createKeyedLimiter(IN_FLIGHT), pool, connectionId, { slots: CW_IN_FLIGHT });
  const paced = pacedLimiter(createLimiter(undefined), pool, connectionId, connectWiseRate(env));
  return {
    get active() {
      return places.active(CW_KEY);
    },
    run: (fn) => places.run([CW_KEY], () => paced.run(fn)),
  };
}

/** How long an adapter is reused (picklists and the like are read again after it). */
const ADAPTER_REUSE_MS = 10 * 60_000;
