import type { WorkspaceId } from '../core/ids';
import { fixedClock } from '../core/time/clock';
import { type PlainDate, tryParsePlainDate } from '../core/time/plain-date';
import type { Pool } from '../db/pool';
import type { TargetKind } from '../db/repos/sync';
import { createEngineDeps } from '../runtime/engine';
import type { SecretBox } from '../runtime/secret-box';
import { systemClock } from '../runtime/system-clock';
import { createTargetOpener } from '../runtime/targets';
import { AppError, cliMessage } from '../services/errors';
import { resolveCustomerRef, type SyncDeps, TARGET_KINDS } from '../services/sync';
import { withContext } from './context';
import { CliExit, parseChoice, usage } from './exit';
import type { Output } from './output';
import { resolveCliWorkspace } from './workspace-option';

export interface SyncCli {
  deps: SyncDeps;
  ws: WorkspaceId;
  pool: Pool;
  box: SecretBox;
}

export function parseTarget(value: string): TargetKind {
  return parseChoice('--target', value, TARGET_KINDS);
}

export function parseDateOption(flag: string, value: string | undefined): PlainDate | undefined {
  if (value === undefined) return undefined;
  const date = tryParsePlainDate(value.trim());
  if (!date) throw usage(`${flag} must be a date written YYYY-MM-DD, not "${value}"`);
  return date;
}

/**
 * Runs a sync command with what the server has too: the engine's dependencies (PSA opener from the stored
 * connection, the clock, fixed at --as-of), the workspace and the secret box. A use case that fails (PSA down,
 * program not set up, bad mapping) ends with exit code 1 and its message; bad arguments stay usage errors (2).
 */
export function withSync<T>(
  options: { workspace?: string | undefined; asOf?: PlainDate | undefined },
  out: Output,
  fn: (s: SyncCli) => Promise<T>,
): Promise<T> {
  return withContext(async ({ db, box }) => {
    const ws = await resolveCliWorkspace(db.pool, options.workspace, out.info);
    const clock = options.asOf ? fixedClock(options.asOf) : systemClock;
    const openTarget = createTargetOpener({ pool: db.pool, box, env: process.env });
    const deps = createEngineDeps({ pool: db.pool, clock, openTarget });
    try {
      return await fn({ deps, ws, pool: db.pool, box });
    } catch (error) {
      if (error instanceof AppError) throw new CliExit(1, cliMessage(error), { code: error.code });
      throw error;
    }
  });
}

/** `withSync` for a command about one customer (`CUSTOMER`: tenant id, domain or name), resolved first. */
export function withCustomer<T>(
  options: { workspace?: string | undefined },
  out: Output,
  customer: string,
  fn: (s: SyncCli & { tenantId: string }) => Promise<T>,
): Promise<T> {
  return withSync(options, out, async (s) => {
    const { tenantId } = await resolveCustomerRef(s.pool, s.ws, customer);
    return fn({ ...s, tenantId });
  });
}
