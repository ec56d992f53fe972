import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectWiseEmulator,
  createConnectWiseEmulator,
  loadDemoSeed,
} from '../../emulators/connectwise';
import { createClock } from '../../emulators/kit';
import { seedConnectWiseDemo } from '../../src/cli/demo/seed-demo-connectwise';
import type { WorkspaceId } from '../../src/core/ids';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import { ALLOW_LOCAL_ENV } from '../../src/http';
import { SecretBox } from '../../src/runtime/secret-box';
import { systemClock } from '../../src/runtime/system-clock';
import { forgetCodebases } from '../../src/targets/connectwise';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * `billsync demo --psa connectwise`: the demo's seeding against the ConnectWise emulator's demo tenant. The
 * Partner Center demo customers find their companies and agreements, and the first syncs succeed.
 */
describe('billsync demo --psa connectwise: the seeding', { timeout: 180_000 }, () => {
  let db: TestDatabase;
  let pool: Pool;
  let emulator: ConnectWiseEmulator;
  let site: string;
  const filesDir = mkdtempSync(join(tmpdir(), 'billsync-cw-demo-'));
  const allowLocal = process.env[ALLOW_LOCAL_ENV];

  beforeAll(async () => {
    process.env[ALLOW_LOCAL_ENV] = '1';
    db = await createTestDatabase('cli_cw_demo');
    await migrate(db.url);
    pool = createPool(db.url, 4);
    emulator = createConnectWiseEmulator({
      seed: loadDemoSeed(),
      clock: createClock({ ticking: true }),
      sleep: async () => {},
    });
    site = await emulator.listen();
    forgetCodebases();
  });
  afterAll(async () => {
    if (allowLocal === undefined) delete process.env[ALLOW_LOCAL_ENV];
    else process.env[ALLOW_LOCAL_ENV] = allowLocal;
    await emulator?.close();
    await pool?.end();
    await db?.drop();
    rmSync(filesDir, { recursive: true, force: true });
  });

  it('maps the demo customers to their agreements and the first syncs succeed', async () => {
    const ws = (await insertWorkspace(pool, 'Northbridge IT (demo)')).id as WorkspaceId;
    const result = await seedConnectWiseDemo({
      pool,
      box: new SecretBox(Buffer.alloc(32, 7)),
      clock: systemClock,
      workspaceId: ws,
      filesDir,
      connectwiseUrl: site,
    });
    expect(result.mapped).toBeGreaterThan(20);
    expect(result.customers).toHaveLength(result.mapped);
    expect(result.customers.filter((r) => r.status === 'success').length).toBeGreaterThan(10);
    // The one error on purpose: the demo catalog's identifier collision (CFQ7TTC0LH18:0001, made by hand) stops
    // that offer's item, and the customers billing it wait for it to be resolved on the Products tab.
    const errors = await pool.query<{ kind: string; item_key: string; messages: { text: string }[] }>(
      `select r.kind, ri.item_key, ri.messages from run_items ri join runs r on r.id = ri.run_id
        where r.workspace_id = $1 and ri.status = 'error'`,
      [ws],
    );
    expect(errors.rows.length).toBeGreaterThan(0);
    for (const e of errors.rows) {
      expect(e.item_key).toContain('CFQ7TTC0LH18|0001');
      expect(e.messages.map((m) => m.text).join(' ')).toMatch(
        /A product named CFQ7TTC0LH18:0001 already exists in the PSA and is not linked|The product CFQ7TTC0LH18:0001 is not linked/,
      );
    }
    // What the syncs wrote is in ConnectWise: billsync's additions on the mapped agreements.
    const state = (await (await fetch(`${site}/_emulator/state`)).json()) as {
      additions: { serialNumber?: string }[];
    };
    expect(state.additions.filter((a) => a.serialNumber?.startsWith('billsync:')).length).toBeGreaterThan(0);
  });
});
