import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_CREDENTIALS, DEMO_IDS } from '../../../emulators/autotask';
import type { WorkspaceId } from '../../core/ids';
import { createCompanyMatcher } from '../../core/match/company-match';
import { addPeriods, firstDayOf, periodOf, previousPeriod } from '../../core/time/billing-period';
import type { Clock } from '../../core/time/clock';
import type { Pool } from '../../db/pool';
import { listSourceCustomers, upsertSourceCustomers } from '../../db/repos/source-data';
import { saveMapping, saveProgram } from '../../db/repos/sync';
import { DEFAULT_PROGRAM } from '../../engine/program';
import type { RunSummary } from '../../engine/runs';
import { syncCustomers, syncProducts } from '../../engine/sync';
import { createEngineDeps } from '../../runtime/engine';
import type { SecretBox } from '../../runtime/secret-box';
import { createTargetOpener } from '../../runtime/targets';
import { saveConnection } from '../../services/connections';
import { generateDemoData, writeDemoData } from '../../sources/partner-center/demo/generate';
import { importInvoiceFile, importPriceListFile } from '../../sources/partner-center/import';

export interface DemoSeedOptions {
  pool: Pool;
  box: SecretBox;
  clock: Clock;
  workspaceId: WorkspaceId;
  /** Base URL of a running Autotask emulator with the demo seed. */
  autotaskUrl: string;
  /** Where the Microsoft CSP demo files are (written there first when missing). */
  filesDir: string;
  customers?: number;
  log?: (message: string) => void;
}

export interface DemoSeedResult {
  files: number;
  mapped: number;
  products: RunSummary;
  customers: RunSummary[];
}

/**
 * Makes a workspace a working demo: Microsoft CSP demo files (12 months, deterministic) imported, the Autotask
 * emulator connected, the program set (Cloud and SaaS billing code, Microsoft as vendor), every customer mapped to
 * its suggested company and contract, and the first product and customer syncs run, as a new user would.
 */
export async function seedDemo(o: DemoSeedOptions): Promise<DemoSeedResult> {
  const log = o.log ?? (() => {});
  const today = o.clock.today();
  const files = await importDemoFiles(o, log);

  await saveConnection(o.pool, o.box, {
    workspaceId: o.workspaceId,
    kind: 'autotask',
    settings: { username: DEMO_CREDENTIALS.userName, zoneUrl: `${o.autotaskUrl}/ATServicesRest/` },
    secrets: { secret: DEMO_CREDENTIALS.secret, integrationCode: DEMO_CREDENTIALS.integrationCode },
    actor: 'demo',
  });
  await saveProgram(o.pool, o.workspaceId, 'autotask', {
    ...DEFAULT_PROGRAM,
    syncEnabled: true,
    billingCodeId: String(DEMO_IDS.codeCloud),
    vendorId: String(DEMO_IDS.microsoft),
    emails: ['billing@northbridge-it.example'],
  });

  const openTarget = createTargetOpener({ pool: o.pool, box: o.box });
  const deps = createEngineDeps({ pool: o.pool, clock: o.clock, openTarget });
  const adapter = await openTarget(o.workspaceId, 'autotask');
  const directory = await adapter.readState({}, { directory: true });
  const match = createCompanyMatcher(
    directory.companies.filter((c) => c.kind === 'customer').map((c) => ({ id: c.id, name: c.name })),
  );
  const syncStart = firstDayOf(addPeriods(periodOf(today), -2));
  let mapped = 0;
  for (const customer of await listSourceCustomers(o.pool, o.workspaceId)) {
    const suggestion = match({ name: customer.name, domain: customer.defaultDomain });
    if (!suggestion) continue;
    const contract = directory.contracts
      .filter(
        (c) =>
          c.companyId === suggestion.companyId &&
          c.recurring &&
          (c.endDate === undefined || c.endDate >= today),
      )
      .sort((a, b) => (a.startDate < b.startDate ? -1 : 1))[0];
    if (!contract) continue;
    await saveMapping(o.pool, o.workspaceId, 'autotask', {
      tenant_id: customer.tenantId,
      company_id: suggestion.companyId,
      company_name: suggestion.companyName,
      contract_id: contract.id,
      contract_name: contract.name,
      strategy: 'cost-and-retail',
      sync_start: syncStart,
      sync_on: true,
    });
    mapped += 1;
  }
  log(`mapped ${mapped} customers to their Autotask companies`);
  const ctx = { ws: o.workspaceId, target: 'autotask' as const, asOf: today, trigger: 'demo', actor: 'demo' };
  const products = await syncProducts(deps, ctx, { preview: false });
  const customers = await syncCustomers(deps, ctx, { preview: false });
  log(`first syncs: products ${products.status}, customers ${customers.map((c) => c.status).join(', ')}`);
  return { files, mapped, products, customers };
}

/**
 * The Microsoft CSP demo files (written first when missing: 12 months, deterministic) imported into the workspace,
 * price list first, invoices before the Azure usage files (the usage belongs to an imported invoice). Shared by
 * the Autotask and the ConnectWise demo. Returns how many files the directory holds.
 */
export async function importDemoFiles(
  o: Pick<DemoSeedOptions, 'pool' | 'workspaceId' | 'filesDir' | 'clock' | 'customers'>,
  log: (message: string) => void,
): Promise<number> {
  if (!existsSync(join(o.filesDir, 'pricelist.csv'))) {
    const data = generateDemoData({
      months: 12,
      customers: o.customers ?? 25,
      seed: 42,
      endPeriod: previousPeriod(periodOf(o.clock.today())),
    });
    await writeDemoData(o.filesDir, data);
    log(`wrote Microsoft CSP demo files to ${o.filesDir}`);
  }
  const files = readdirSync(o.filesDir).sort();
  await importPriceListFile(o.pool, o.workspaceId, join(o.filesDir, 'pricelist.csv'));
  for (const f of files.filter((n) => /^invoice-\d{4}-\d{2}\.csv$/.test(n)))
    await importInvoiceFile(o.pool, o.workspaceId, join(o.filesDir, f));
  for (const f of files.filter((n) => /^azure-usage-\d{4}-\d{2}\.csv$/.test(n)))
    await importInvoiceFile(o.pool, o.workspaceId, join(o.filesDir, f));
  const customersFile = join(o.filesDir, 'customers.json');
  if (existsSync(customersFile)) {
    const list = JSON.parse(readFileSync(customersFile, 'utf8')) as {
      tenantId: string;
      name: string;
      domain: string;
    }[];
    await upsertSourceCustomers(
      o.pool,
      o.workspaceId,
      list.map((c) => ({ tenantId: c.tenantId.toLowerCase(), name: c.name, defaultDomain: c.domain })),
    );
  }
  log(`imported ${files.length} files`);
  return files.length;
}
