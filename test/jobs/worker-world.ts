import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from '../../src/db/pool';
import { saveStoredSchedule } from '../../src/db/repos/schedule';
import { syncProducts } from '../../src/engine/sync';
import { SecretBox } from '../../src/runtime/secret-box';
import { saveConnection } from '../../src/services/connections';
import { type AutotaskWorld, autotaskWorld, CREDS, priceEntry, runCtx } from '../support/autotask-world';
import { startCli } from '../support/cli';
import { inv, julySeatChangeLines, line, offer } from '../support/planner-fixtures';

/** What the worker-process tests share: a PSA world as a user connects it, real worker processes, PSA pictures. */

export const KEY = 'a1'.repeat(32);

/** Seats 10 from 15 Jul, 12 from 20 Jul (reversal + new quantity), 12 again on the August invoice. */
export const INVOICES = [
  inv('G1', '2025-07', [...julySeatChangeLines()]),
  inv('G2', '2025-08', [
    line({ start: '2025-08-15', last: '2025-09-14', qty: 12, unitPrice: '20.00', subtotal: '240.00' }),
  ]),
];
export const PRICES = [priceEntry(offer(), '20.00', '23.10')];
export const AS_OF = runCtx({ ws: '' as never }).asOf;

/**
 * An emulated Autotask tenant with products synced and the workspace's connection stored, as a user would.
 * `zoneBase` lets the workers reach the emulator through something else (a proxy that holds requests).
 */
export async function connectedWorld(
  pool: Pool,
  extraTenants: string[],
  options: { zoneBase?: (emulatorBase: string) => Promise<string> } = {},
): Promise<AutotaskWorld> {
  const w = await autotaskWorld(pool, { invoices: INVOICES, priceList: PRICES, extraTenants });
  // The workers' clock is the real one: keep the daily check (which would queue every customer) out of the way.
  await saveStoredSchedule(pool, w.ws, { enabled: false });
  await syncProducts(w.deps, runCtx(w), { preview: false });
  const base = options.zoneBase ? await options.zoneBase(w.base) : w.base;
  await saveConnection(pool, new SecretBox(Buffer.from(KEY, 'hex')), {
    workspaceId: w.ws,
    kind: 'autotask',
    settings: { username: CREDS.userName, zoneUrl: `${base}/ATServicesRest/` },
    secrets: { secret: CREDS.secret, integrationCode: CREDS.integrationCode },
    actor: 'test',
  });
  return w;
}

/** Environment of a billsync process on `databaseUrl` with quick polls and retries. */
export function processEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    BILLSYNC_SECRET_KEY: KEY,
    BILLSYNC_DATA_DIR: mkdtempSync(join(tmpdir(), 'billsync-worker-')),
    BILLSYNC_WORKER_POLL_SECONDS: '0.5',
    BILLSYNC_JOB_RETRY_SECONDS: '1',
    ...extra,
  };
}

export type CliProcess = Awaited<ReturnType<typeof startCli>>;

/** A real `billsync worker` process. */
export function startWorkerProcess(
  databaseUrl: string,
  extra: Record<string, string> = {},
): Promise<CliProcess> {
  return startCli(['worker', '--concurrency', '4'], processEnv(databaseUrl, extra), async (output) =>
    output.includes('] ready'),
  );
}

/** The process is still running (neither exited nor killed). */
export const alive = (p: CliProcess) => p.child.exitCode === null && p.child.signalCode === null;

/** PSA writes the emulator received (creates, updates, adjustments; queries excluded). */
export function psaWrites(w: AutotaskWorld): number {
  const counts = w.emulator.requests.counts();
  return Object.entries(counts)
    .filter(([key]) => /^(POST|PATCH|PUT|DELETE) /.test(key) && !/\/query(\/next|\/count)?$/i.test(key))
    .reduce((n, [, c]) => n + c, 0);
}

type Row = Record<string, unknown>;

/** Contract units per period, keyed by service name (ids differ per tenant), and how many adjustments exist. */
export async function picture(w: AutotaskWorld) {
  const state = (await (await fetch(`${w.base}/_emulator/state`)).json()) as Record<string, Row[]>;
  const names = new Map((state.Services ?? []).map((s) => [s.id, s.name]));
  const units = (state.ContractServiceUnits ?? [])
    .map((u) =>
      [u.contractID, names.get(u.serviceID), u.startDate, u.endDate, u.units, u.price, u.cost].join('|'),
    )
    .sort();
  return { units, adjustments: (state.ContractServiceAdjustments ?? []).length };
}
