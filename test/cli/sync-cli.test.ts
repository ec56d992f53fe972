import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AutotaskEmulator, createAutotaskEmulator, parseSeed } from '../../emulators/autotask';
import { createClock } from '../../emulators/kit';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { storeInvoice, storePriceList, upsertSourceCustomers } from '../../src/db/repos/source-data';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import { PSA_JOB_SLOTS, withPsaSlot } from '../../src/engine/psa-slots';
import { CREDS, e2eSeed, IDS } from '../support/autotask-world';
import { runCli } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { waitFor } from '../support/jobs';
import { inv, line, offer, priceEntry, TENANT } from '../support/planner-fixtures';

let db: TestDatabase;
let pool: Pool;
let emulator: AutotaskEmulator;
let env: Record<string, string>;
const dataDir = mkdtempSync(join(tmpdir(), 'billsync-sync-cli-'));

const JULY = inv('G1', '2025-07', [
  line({ start: '2025-07-15', last: '2025-08-14', qty: 10, unitPrice: '20.00', subtotal: '200.00' }),
]);
const AUGUST = inv('G2', '2025-08', [
  line({ start: '2025-08-15', last: '2025-09-14', qty: 10, unitPrice: '20.00', subtotal: '200.00' }),
  line({
    start: '2025-08-25',
    last: '2025-09-14',
    qty: 10,
    sign: -1,
    chargeType: 'addquantity',
    unitPrice: '20.00',
    subtotal: '-142.86',
  }),
  line({
    start: '2025-08-25',
    last: '2025-09-14',
    qty: 14,
    chargeType: 'addquantity',
    unitPrice: '20.00',
    subtotal: '200.00',
  }),
]);

/** An Autotask Material Cost Code (useType 4): a charge code for the corrections of locked days. */
const CHARGE_CODE = {
  id: 202,
  name: 'Microsoft corrections',
  useType: 4,
  isActive: true,
  unitCost: 0,
  unitPrice: 0,
};
const withChargeCode = (seed: ReturnType<typeof e2eSeed>) => ({
  ...seed,
  BillingCodes: [...seed.BillingCodes, CHARGE_CODE],
});

const cli = (...args: string[]) => runCli(args, env);
const json = (stdout: string) => JSON.parse(stdout);
const CONNECT = [
  'connect',
  'autotask',
  '--username',
  CREDS.userName,
  '--integration-code',
  CREDS.integrationCode,
];

beforeAll(async () => {
  db = await createTestDatabase('cli_sync');
  await migrate(db.url);
  pool = createPool(db.url, 2);
  const ws = (await insertWorkspace(pool, 'CLI MSP')).id;
  await upsertSourceCustomers(pool, ws, [
    { tenantId: TENANT, name: 'Contoso Dental', defaultDomain: 'contosodental.onmicrosoft.com' },
  ]);
  await storePriceList(pool, ws, [priceEntry(offer(), '20.00', '23.10')]);
  await storeInvoice(pool, ws, JULY.header, JULY.lines);
  emulator = createAutotaskEmulator({
    seed: parseSeed(withChargeCode(e2eSeed())),
    clock: createClock({ start: '2025-09-10T09:00:00Z' }),
    sleep: async () => {},
  });
  const base = await emulator.listen(0);
  env = {
    DATABASE_URL: db.url,
    BILLSYNC_DATA_DIR: dataDir,
    BILLSYNC_SECRET_KEY: 'ab'.repeat(32),
    AUTOTASK_DISCOVERY_URL: `${base}/ATServicesRest/`,
    // The emulator listens on loopback: allowed by the PSA URL policy only with this (docs/url-policy.md).
    BILLSYNC_ALLOW_LOCAL_PSA: '1',
    AUTOTASK_SECRET: '',
    LOG_LEVEL: 'warn',
  };
});
afterAll(async () => {
  await emulator?.close();
  await pool?.end();
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const writes = () =>
  emulator.requests.count('POST', '**/Services') +
  emulator.requests.count('PATCH', '**') +
  emulator.requests.count('POST', '**/ServiceAdjustments');

// Each command is a process of its own (about 1-2 s to start): generous time per test.
describe('billsync sync commands', { timeout: 120_000 }, () => {
  it('bad arguments exit 2 and say what to do', async () => {
    const mode = await cli('program', 'set', '--mode', 'sometimes');
    expect(mode.code).toBe(2);
    expect(mode.stderr).toMatch(/--mode must be one of all, in-use/);
    const sync = await cli('map', 'x', '--company', '1', '--contract', '2', '--sync', 'maybe');
    expect(sync.code).toBe(2);
    expect(sync.stderr).toMatch(/--sync must be on or off/);
    const date = await cli('sync', 'customers', '--as-of', '2025-13-01');
    expect(date.code).toBe(2);
    expect(date.stderr).toMatch(/--as-of must be a date written YYYY-MM-DD/);
    const missing = await cli('connect', 'autotask', '--username', 'x');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--integration-code/);
    const nothing = await cli('program', 'set');
    expect(nothing.code).toBe(2);
  });

  it('connect: a failed test exits 1 and keeps the connection; a good one says what is next', async () => {
    const bad = await cli(...CONNECT, '--secret', 'wrong');
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toMatch(/^Autotask: Error: /);
    const saved = await pool.query("select status from connections where kind = 'autotask'");
    expect(saved.rows).toEqual([{ status: 'error' }]);
    const good = await cli('--json', ...CONNECT, '--secret', CREDS.secret);
    expect(good.code, good.stderr).toBe(0);
    expect(json(good.stdout)).toMatchObject({ ok: true, status: 'needs_setup' });
  });

  it('program set checks the billing code with the PSA, then saves', async () => {
    const wrong = await cli('program', 'set', '--sync', 'on', '--billing-code', String(IDS.codeOther));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/not a Recurring Contract Service code/);
    const options = await cli('--json', 'program', 'options');
    expect(json(options.stdout).billingCodes).toEqual([{ id: String(IDS.code), name: 'Cloud and SaaS' }]);
    expect(json(options.stdout).chargeCodes).toEqual([{ id: '202', name: 'Microsoft corrections' }]);
    const text = await cli('program', 'options');
    expect(text.stdout).toMatch(
      /Charge codes for corrections \(--charge-code; none = Autotask's first active Material Cost Code \(lowest id\)\):/,
    );
    // A Recurring Contract Service code is no charge code: the message says what to choose instead.
    const charge = await cli('program', 'set', '--charge-code', String(IDS.code));
    expect(charge.code).toBe(1);
    expect(charge.stderr).toMatch(
      /Cloud and SaaS \(200\) is not a Material Cost Code: choose an active Material Cost Code/,
    );
    const ok = await cli(
      ...['program', 'set', '--target', 'autotask', '--sync', 'on', '--mode', 'in-use', '--azure', 'off'],
      ...[
        '--billing-code',
        String(IDS.code),
        '--vendor',
        String(IDS.vendor),
        '--emails',
        'a@msp.example,b@msp.example',
        '--charge-code',
        '202',
      ],
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/Billing motions: +monthly on, annual off, Azure off/);
    expect(ok.stdout).toMatch(/Charge code: +202$/m);
    const show = await cli('--json', 'program', 'show');
    expect(json(show.stdout).settings).toMatchObject({
      syncEnabled: true,
      emails: ['a@msp.example', 'b@msp.example'],
      chargeCodeId: '202',
    });
    const reset = await cli('program', 'set', '--charge-code', 'none');
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toMatch(
      /Charge code: +\(default: Autotask's first active Material Cost Code \(lowest id\)\)/,
    );
  });

  it('customers suggests the PSA company; map refuses an ended contract and maps by domain', async () => {
    const list = await cli('--json', 'customers');
    expect(list.code, list.stderr).toBe(0);
    expect(json(list.stdout)[0]).toMatchObject({
      name: 'Contoso Dental',
      mapped: false,
      suggestion: { companyId: String(IDS.company) },
    });
    const ended = await cli(
      'map',
      'Contoso Dental',
      '--company',
      String(IDS.company),
      '--contract',
      String(IDS.endedContract),
      '--sync',
      'on',
    );
    expect(ended.code).toBe(1);
    expect(ended.stderr).toMatch(/Contract Contoso 2024 ended on 31 Dec 2024/);
    const unknown = await cli('map', 'Fabrikam', '--company', '1', '--contract', '2', '--sync', 'on');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No customer matches "Fabrikam"/);
    const ok = await cli(
      ...[
        'map',
        'contosodental.onmicrosoft.com',
        '--company',
        String(IDS.company),
        '--contract',
        String(IDS.contract),
      ],
      ...['--start', '2025-07-01', '--strategy', 'cost-and-retail', '--sync', 'on'],
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/Mapped Contoso Dental to Contoso Dental Ltd \/ Contoso Microsoft 365/);
  });

  it('sync products: the preview writes nothing; the run succeeds (exit 0)', async () => {
    const preview = await cli('--json', 'sync', 'products', '--preview');
    expect(preview.code, preview.stderr).toBe(0);
    expect(json(preview.stdout)).toMatchObject([{ kind: 'product', status: 'preview', operations: 1 }]);
    expect(writes()).toBe(0);
    const run = await cli('sync', 'products', '--as-of', '2025-09-10');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/products +Success/);
    expect(writes()).toBe(1);
  });

  it('sync customers --as-of replays a month; a second run is No Change and writes nothing', async () => {
    const first = await cli('--json', 'sync', 'customers', '--as-of', '2025-09-10');
    expect(first.code, first.stderr).toBe(0);
    expect(json(first.stdout)).toMatchObject([{ tenantId: TENANT, status: 'success' }]);
    const before = writes();
    const again = await cli(
      '--json',
      'sync',
      'customers',
      '--customer',
      'Contoso Dental',
      '--as-of',
      '2025-09-10',
    );
    expect(json(again.stdout)).toMatchObject([{ status: 'no_change', writes: 0 }]);
    expect(again.code).toBe(0);
    expect(writes()).toBe(before);
  });

  it('sync waits for a free PSA slot while jobs hold every one: one limit per connection', async () => {
    const ws = (await pool.query('select id from workspaces')).rows[0].id;
    const holders = createPool(db.url, PSA_JOB_SLOTS.autotask);
    const gates: (() => void)[] = [];
    const held = Array.from({ length: PSA_JOB_SLOTS.autotask }, () =>
      withPsaSlot(holders, ws, 'autotask', () => new Promise<void>((resolve) => gates.push(resolve))),
    );
    await vi.waitFor(() => expect(gates).toHaveLength(PSA_JOB_SLOTS.autotask));
    const requests = emulator.requests.count();
    let exited = false;
    const run = cli('--json', 'sync', 'customers', '--as-of', '2025-09-10').finally(() => {
      exited = true;
    });
    // Waiting for a slot = a connection that asked for one (pg_try_advisory_lock) and holds none.
    const waiting = (): Promise<boolean> =>
      waitFor('the CLI waiting for a PSA slot (or exiting)', async () => {
        if (exited) return 'exited';
        const res = await pool.query<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity a
            where a.datname = current_database() and a.pid <> pg_backend_pid()
              and a.query ilike 'select pg_try_advisory_lock(%'
              and not exists (select 1 from pg_locks l where l.pid = a.pid and l.locktype = 'advisory')`,
        );
        return (res.rows[0]?.n ?? 0) > 0 ? 'waiting' : undefined;
      }).then((state) => state === 'waiting');
    try {
      expect(await waiting()).toBe(true);
      expect(emulator.requests.count()).toBe(requests);
      gates.shift()?.();
      const res = await run;
      expect(res.code, res.stderr).toBe(0);
      expect(json(res.stdout)).toMatchObject([{ tenantId: TENANT, status: 'no_change' }]);
    } finally {
      for (const open of gates.splice(0)) open();
      await Promise.all(held);
      await holders.end();
    }
  });

  it('a run waiting for approval exits 2; run approve executes it; runs and run show list it', async () => {
    const ws = (await pool.query('select id from workspaces')).rows[0].id;
    await storeInvoice(pool, ws, AUGUST.header, AUGUST.lines);
    expect((await cli('program', 'set', '--approval-threshold', '0')).code).toBe(0);
    const held = await cli('--json', 'sync', 'customers', '--as-of', '2025-09-10');
    expect(held.code, held.stderr).toBe(2);
    const [run] = json(held.stdout);
    expect(run).toMatchObject({ status: 'awaiting_approval' });
    const approved = await cli('run', 'approve', run.runId);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toMatch(/Success/);
    const runs = await cli(
      '--json',
      'runs',
      '--customer',
      'contosodental.onmicrosoft.com',
      '--status',
      'success',
    );
    expect(json(runs.stdout).map((r: { id: string }) => r.id)).toContain(run.runId);
    // --target filters by PSA: this workspace's runs are all Autotask's.
    const autotask = json((await cli('--json', 'runs', '--target', 'autotask')).stdout);
    expect(autotask.map((r: { id: string }) => r.id)).toContain(run.runId);
    expect(json((await cli('--json', 'runs', '--target', 'connectwise')).stdout)).toEqual([]);
    expect((await cli('runs', '--target', 'halo')).stderr).toMatch(
      /--target must be one of autotask, connectwise/,
    );
    const show = await cli('run', 'show', run.runId);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/Status: Success/);
    expect(show.stdout).toMatch(/Contoso Dental/);
    const none = await cli('run', 'show', '2f1c4b8e-6a3d-4c1b-9b7e-1f2a3b4c5d6e');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/No run/);
  });

  it('adopt refuses an unknown offer; unmap turns sync off', async () => {
    const adopt = await cli('adopt', '--offer', 'NOPE:0001', '--product', '1');
    expect(adopt.code).toBe(1);
    expect(adopt.stderr).toMatch(/No price-list offer is "NOPE:0001"/);
    const unmap = await cli('unmap', TENANT);
    expect(unmap.code, unmap.stderr).toBe(0);
    const list = await cli('--json', 'customers', '--no-suggest');
    expect(json(list.stdout)[0]).toMatchObject({
      mapped: false,
      syncOn: false,
      lastRun: { status: 'success' },
    });
  });
});
