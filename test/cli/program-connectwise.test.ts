import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectWiseEmulator,
  createConnectWiseEmulator,
  DEMO_CREDENTIALS,
  DEMO_IDS,
  loadDemoSeed,
} from '../../emulators/connectwise';
import { createClock } from '../../emulators/kit';
import { catalogText, programSetPatchOf } from '../../src/cli/commands/program';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import { DEFAULT_PROGRAM } from '../../src/engine/program';
import { runCli } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/db';

/** `billsync program set|show|options --target connectwise`: where new catalog items go (decision 0012). */
describe('billsync program: the ConnectWise catalog flags', () => {
  it('--category, --subcategory, --product-type (none clears) and --taxable make the catalog change', () => {
    expect(
      programSetPatchOf({
        target: 'connectwise',
        category: ' 9 ',
        subcategory: '31',
        productType: 'none',
        taxable: 'on',
      }),
    ).toEqual({ catalog: { categoryId: '9', subcategoryId: '31', typeId: null, taxable: true } });
    expect(programSetPatchOf({ target: 'connectwise', sync: 'on', taxable: 'off' })).toEqual({
      syncEnabled: true,
      catalog: { taxable: false },
    });
    expect(programSetPatchOf({ target: 'autotask', sync: 'off' })).toEqual({ syncEnabled: false });
    expect(() => programSetPatchOf({ target: 'autotask', category: '9' })).toThrow(
      /--target connectwise only/,
    );
    expect(() => programSetPatchOf({ target: 'connectwise', taxable: 'maybe' })).toThrow(
      /--taxable must be on or off/,
    );
    expect(() => programSetPatchOf({ target: 'connectwise' })).toThrow(/Nothing to set/);
  });

  it('show names the placement, or the Miscellaneous defaults; Autotask has none', () => {
    const view = { target: 'connectwise' as const, configured: true, settings: DEFAULT_PROGRAM };
    expect(catalogText(view).join('\n')).toMatch(/Subcategory: +\(default: Miscellaneous\)/);
    const set = catalogText({
      ...view,
      settings: {
        ...DEFAULT_PROGRAM,
        catalog: { categoryId: '9', subcategoryId: '31', typeId: '3', taxable: true },
      },
    }).join('\n');
    expect(set).toMatch(/Catalog category: +9$/m);
    expect(set).toMatch(/Product type: +3$/m);
    expect(set).toMatch(/New items taxable: +on$/m);
    expect(catalogText({ ...view, target: 'autotask' })).toEqual([]);
  });
});

describe('billsync program --target connectwise against the emulator', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let pool: Pool;
  let emulator: ConnectWiseEmulator;
  let env: Record<string, string>;
  const dataDir = mkdtempSync(join(tmpdir(), 'billsync-cw-program-'));
  const cli = (...args: string[]) => runCli(args, env);

  beforeAll(async () => {
    db = await createTestDatabase('cli_cw_program');
    await migrate(db.url);
    pool = createPool(db.url, 2);
    await insertWorkspace(pool, 'CLI MSP');
    emulator = createConnectWiseEmulator({
      seed: loadDemoSeed(),
      clock: createClock({ start: '2026-03-15T09:00:00Z' }),
      sleep: async () => {},
    });
    const site = await emulator.listen();
    env = {
      DATABASE_URL: db.url,
      BILLSYNC_DATA_DIR: dataDir,
      BILLSYNC_SECRET_KEY: 'ab'.repeat(32),
      BILLSYNC_ALLOW_LOCAL_PSA: '1',
      CONNECTWISE_PRIVATE_KEY: '',
      LOG_LEVEL: 'warn',
    };
    const c = DEMO_CREDENTIALS;
    const connected = await cli(
      'connect',
      'connectwise',
      '--site',
      site,
      '--company',
      c.companyId,
      '--public-key',
      c.publicKey,
      '--private-key',
      c.privateKey,
    );
    expect(connected.code, connected.stderr).toBe(0);
  });
  afterAll(async () => {
    await emulator?.close();
    await pool?.end();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('options lists the placement choices; set stores them; show says them', async () => {
    const options = await cli('program', 'options', '--target', 'connectwise');
    expect(options.code, options.stderr).toBe(0);
    expect(options.stdout).toMatch(/Catalog categories \(--category\):/);
    expect(options.stdout).toMatch(new RegExp(`${DEMO_IDS.subcategoryM365} +Microsoft 365 +Cloud Services`));
    expect(options.stdout).toMatch(new RegExp(`${DEMO_IDS.typeLicense} +Software License`));

    const set = await cli(
      'program',
      'set',
      '--target',
      'connectwise',
      '--category',
      String(DEMO_IDS.categoryCloud),
      '--subcategory',
      String(DEMO_IDS.subcategoryM365),
      '--product-type',
      String(DEMO_IDS.typeLicense),
      '--taxable',
      'on',
    );
    expect(set.code, set.stderr).toBe(0);
    const stored = await pool.query("select settings from programs where target = 'connectwise'");
    expect(stored.rows[0].settings.catalog).toEqual({
      categoryId: String(DEMO_IDS.categoryCloud),
      subcategoryId: String(DEMO_IDS.subcategoryM365),
      typeId: String(DEMO_IDS.typeLicense),
      taxable: true,
    });
    const show = await cli('program', 'show', '--target', 'connectwise');
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(new RegExp(`Subcategory: +${DEMO_IDS.subcategoryM365}$`, 'm'));
    expect(show.stdout).toMatch(/New items taxable: +on$/m);

    const autotask = await cli('program', 'set', '--target', 'autotask', '--taxable', 'on');
    expect(autotask.code).toBe(2);
    expect(autotask.stderr).toMatch(/--target connectwise only/);
  });
});
