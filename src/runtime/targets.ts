import type { WorkspaceId } from '../core/ids';
import type { TargetAdapter } from '../core/ports/target';
import type { Pool } from '../db/pool';
import { getConnectionByKind } from '../db/repos/connections';
import type { TargetKind } from '../db/repos/sync';
import { createLimiter, type Limiter } from '../http';
import { openSecrets } from '../services/connections';
import { AppError } from '../services/errors';
import { createAutotaskAdapter } from '../targets/autotask';
import type { SecretBox } from './secret-box';

export type TargetOpener = (workspaceId: WorkspaceId, target: TargetKind) => Promise<TargetAdapter>;

const LABEL: Record<TargetKind, string> = { autotask: 'Autotask', connectwise: 'ConnectWise' };

/** A PSA adapter from credentials as entered (not stored): the connect dialog's Test. */
export type CredentialsOpener = (
  target: TargetKind,
  settings: Readonly<Record<string, unknown>>,
  secrets: Readonly<Record<string, string>>,
) => Promise<TargetAdapter>;

function buildAdapter(
  target: TargetKind,
  settings: Readonly<Record<string, unknown>>,
  secrets: Readonly<Record<string, string>>,
  limiter: Limiter,
  env: NodeJS.ProcessEnv,
): TargetAdapter {
  if (target !== 'autotask') {
    throw new AppError(
      'bad_request',
      `${LABEL[target]} sync is not available yet: only Autotask is supported`,
    );
  }
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
    limiter,
    ...(zoneUrl ? { zoneUrl } : {}),
    ...(discoveryUrl ? { discoveryUrl } : {}),
  });
}

/** Opens adapters from entered credentials, each with its own limiter (a test makes one or two calls). */
export function createCredentialsOpener(env: NodeJS.ProcessEnv = process.env): CredentialsOpener {
  return async (target, settings, secrets) => buildAdapter(target, settings, secrets, createLimiter(3), env);
}

/**
 * The composition root's `openTarget`: reads the workspace's stored connection, opens its secrets and builds
 * the PSA adapter. Adapters of one connection share one limiter, so the server's concurrent requests stay
 * within Autotask's 3 threads per connection. The connection is read on every call: credentials saved a
 * moment ago are the ones used.
 */
export function createTargetOpener(deps: {
  pool: Pool;
  box: SecretBox;
  env?: NodeJS.ProcessEnv;
}): TargetOpener {
  const env = deps.env ?? process.env;
  const limiters = new Map<string, Limiter>();
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
      limiter = createLimiter(3);
      limiters.set(row.id, limiter);
    }
    return buildAdapter(target, row.settings, openSecrets(deps.box, row), limiter, env);
  };
}
