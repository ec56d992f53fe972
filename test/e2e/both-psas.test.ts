import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectWiseEmulator, parseSeed } from '../../emulators/connectwise';
import { createClock } from '../../emulators/kit';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { saveMapping, saveProgram } from '../../src/db/repos/sync';
import type { EngineDeps } from '../../src/engine/deps';
import { DEFAULT_PROGRAM } from '../../src/engine/program';
import { syncCustomers, syncProducts } from '../../src/engine/sync';
import { createConnectWiseAdapter, forgetCodebases } from '../../src/targets/connectwise';
import { type AutotaskWorld, autotaskWorld, IDS, runCtx } from '../support/autotask-world';
import { billedByMonth, CW_CREDS, CW_IDS, cwRunCtx, cwSeed } from '../support/connectwise-world';
import { createTestDatabase, type TestDatabase } from '../support/db';
import {
  AZURE,
  d,
  inv,
  julySeatChangeLines,
  line,
  offer,
  priceEntry,
  TENANT,
} from '../support/planner-fixtures';

/**
 * Issue 15: "a workspace may run both PSAs at once". One workspace, one set of Microsoft data, Autotask and
 * ConnectWise connected: Contoso is billed from Autotask, Fabrikam from ConnectWise. Each PSA gets only its own
 * customer's lines, the links and runs stay apart per PSA, and re-running either writes nothing.
 */

const FABRIKAM = '00000000-0000-4000-8000-0000000000fb';
const BP = offer();
const PRICES = [priceEntry(BP, '20.00', '23.10'), priceEntry(AZURE, '0', '0')];
const INVOICES = [
  inv('G1', '2025-07', [
    ...julySeatChangeLines(),
    line({
      tenant: FABRIKAM,
      sub: 'fab-1',
      start: '2025-07-01',
      last: '2025-07-31',
      qty: 4,
      unitPrice: '20.00',
      subtotal: '80.00',
    }),
  ]),
  inv('G2', '2025-08', [
    line({ start: '2025-08-15', last: '2025-09-14', qty: 12, unitPrice: '20.00', subtotal: '240.00' }),
    line({
      tenant: FABRIKAM,
      sub: 'fab-1',
      start: '2025-08-01',
      last: '2025-08-31',
      qty: 4,
      unitPrice: '20.00',
      subtotal: '80.00',
    }),
  ]),
];

let db: TestDatabase;
let pool: Pool;
let at: AutotaskWorld;
const cw = createConnectWiseEmulator({
  seed: parseSeed(cwSeed({ prorate: false })),
  clock: createClock({ start: '2025-09-10T09:00:00Z' }),
  sleep: async () => {},
});
let deps: EngineDeps;
let cwBase = '';

beforeAll(async () => {
  db = await createTestDatabase('e2e_both');
  await migrate(db.url);
  pool = createPool(db.url, 10);
  at = await autotaskWorld(pool, { invoices: INVOICES, priceList: PRICES });
  await pool.query(
    `insert into source_customers (workspace_id, tenant_id, name, default_domain)
     values ($1, $2, 'Fabrikam', 'fabrikam.onmicrosoft.com')`,
    [at.ws, FABRIKAM],
  );
  cwBase = await cw.listen();
  forgetCodebases();
  await saveProgram(pool, at.ws, 'connectwise', {
    ...DEFAULT_PROGRAM,
    syncEnabled: true,
    vendorId: String(CW_IDS.microsoft),
  });
  await saveMapping(pool, at.ws, 'connectwise', {
    tenant_id: FABRIKAM,
    company_id: String(CW_IDS.company),
    company_name: 'Contoso Dental Ltd',
    contract_id: String(CW_IDS.agreement),
    contract_name: 'Fabrikam M365',
    strategy: 'cost-and-retail',
    sync_start: d('2025-07-01'),
    sync_on: true,
  });
  const cwAdapter = createConnectWiseAdapter({
    site: cwBase,
    ...CW_CREDS,
    clientId: 'e2e',
    sleep: async () => {},
  });
  const atAdapter = await at.deps.openTarget(at.ws, 'autotask');
  deps = { ...at.deps, openTarget: async (_ws, target) => (target === 'autotask' ? atAdapter : cwAdapter) };
});
afterAll(async () => {
  await at?.close();
  await cw.close();
  await pool.end();
  await db.drop();
});

const cwWrites = () =>
  cw.requests.count('POST', '**') + cw.requests.count('PATCH', '**') + cw.requests.count('DELETE', '**');
const atWrites = () =>
  at.emulator.requests.count('POST', '**/Services') +
  at.emulator.requests.count('PATCH', '**') +
  at.emulator.requests.count('POST', '**/ServiceAdjustments');

describe('one workspace, both PSAs', () => {
  it('each PSA gets its own products and only its own customer; links and runs stay apart', async () => {
    expect((await syncProducts(deps, runCtx(at), { preview: false })).status).toBe('success');
    expect((await syncProducts(deps, cwRunCtx(at), { preview: false })).status).toBe('success');
    const [atRun] = await syncCustomers(deps, runCtx(at), { preview: false });
    const [cwRun] = await syncCustomers(deps, cwRunCtx(at), { preview: false });
    expect(atRun).toMatchObject({ status: 'success', tenantId: TENANT });
    expect(cwRun).toMatchObject({ status: 'success', tenantId: FABRIKAM });

    // Autotask: Contoso's contract has the Business Premium line; ConnectWise: Fabrikam's agreement bills its 4
    // seats at 23.10 (92.40 a month) and nothing of Contoso.
    const state = (await (await fetch(`${at.base}/_emulator/state`)).json()) as {
      tables?: { ContractServices?: { contractID: number }[] };
      ContractServices?: { contractID: number }[];
    };
    const lines = state.tables?.ContractServices ?? state.ContractServices ?? [];
    expect(lines.map((l) => l.contractID)).toEqual([IDS.contract]);
    expect(await billedByMonth({ base: cwBase } as never, CW_IDS.agreement, '2025-07', '2025-08')).toEqual({
      '2025-07': '92.40',
      '2025-08': '92.40',
    });
    const links = await pool.query<{ target: string; n: number }>(
      `select target, count(*)::int as n from links where workspace_id = $1 and kind = 'contract-line' group by 1 order by 1`,
      [at.ws],
    );
    expect(links.rows).toEqual([
      { target: 'autotask', n: 1 },
      { target: 'connectwise', n: 1 },
    ]);
    const runs = await pool.query<{ target: string; tenant_id: string | null }>(
      `select target, tenant_id from runs where workspace_id = $1 and kind = 'customer' order by target`,
      [at.ws],
    );
    expect(runs.rows).toEqual([
      { target: 'autotask', tenant_id: TENANT },
      { target: 'connectwise', tenant_id: FABRIKAM },
    ]);
  });

  it('re-running either PSA writes nothing in either', async () => {
    const before = [atWrites(), cwWrites()];
    const [a] = await syncCustomers(deps, runCtx(at), { preview: false });
    const [c] = await syncCustomers(deps, cwRunCtx(at), { preview: false });
    expect([a!.status, c!.status]).toEqual(['no_change', 'no_change']);
    expect([atWrites(), cwWrites()]).toEqual(before);
  });
});
