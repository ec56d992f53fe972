import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_CREDENTIALS, DEMO_IDS } from '../../../emulators/connectwise';
import { createCompanyMatcher } from '../../core/match/company-match';
import { addPeriods, firstDayOf, periodOf, previousPeriod } from '../../core/time/billing-period';
import { listSourceCustomers, upsertSourceCustomers } from '../../db/repos/source-data';
import { saveMapping, saveProgram } from '../../db/repos/sync';
import { DEFAULT_PROGRAM } from '../../engine/program';
import { syncCustomers, syncProducts } from '../../engine/sync';
import { createEngineDeps } from '../../runtime/engine';
import { createTargetOpener } from '../../runtime/targets';
import { saveConnection } from '../../services/connections';
import { generateDemoData, writeDemoData } from '../../sources/partner-center/demo/generate';
import { importInvoiceFile, importPriceListFile } from '../../sources/partner-center/import';
import type { DemoSeedOptions, DemoSeedResult } from './seed-demo';

export interface ConnectWiseDemoSeedOptions extends Omit<DemoSeedOptions, 'autotaskUrl'> {
  /** Base URL (site) of a running ConnectWise emulator with the demo seed. */
  connectwiseUrl: string;
}

/**
 * `billsync demo --psa connectwise`: the same demo as seedDemo with ConnectWise as the PSA. The emulator's demo
 * tenant has the Partner Center demo customers' names, so the matcher suggests each one's company; the program
 * files new catalog items under Cloud Services / Microsoft 365 as Software License (decision 0012), and each
 * customer is mapped to its company's earliest agreement that has not ended.
 */
export async function seedConnectWiseDemo(o: ConnectWiseDemoSeedOptions): Promise<DemoSeedResult> {
  const log = o.log ?? (() => {});
  const today = o.clock.today();
  const files = await importDemoFiles(o, log);

  await saveConnection(o.pool, o.box, {
    workspaceId: o.workspaceId,
    kind: 'connectwise',
    settings: {
      site: o.connectwiseUrl,
      companyId: DEMO_CREDENTIALS.companyId,
      publicKey: DEMO_CREDENTIALS.publicKey,
    },
    secrets: { privateKey: DEMO_CREDENTIALS.privateKey },
    actor: 'demo',
  });
  await saveProgram(o.pool, o.workspaceId, 'connectwise', {
    ...DEFAULT_PROGRAM,
    syncEnabled: true,
    // The planner files products under a billing code: on ConnectWise the subcategory stands in (decision 0012).
    billingCodeId: String(DEMO_IDS.subcategoryM365),
    vendorId: String(DEMO_IDS.microsoft),
    emails: ['billing@northbridge-it.example'],
    catalog: {
      categoryId: String(DEMO_IDS.categoryCloud),
      subcategoryId: String(DEMO_IDS.subcategoryM365),
      typeId: String(DEMO_IDS.typeLicense),
      taxable: false,
    },
  });

  const openTarget = createTargetOpener({ pool: o.pool, box: o.box });
  const deps = createEngineDeps({ pool: o.pool, clock: o.clock, openTarget });
  const adapter = await openTarget(o.workspaceId, 'connectwise');
  const directory = await adapter.readState({}, { directory: true });
  const match = createCompanyMatcher(
    directory.companies.filter((c) => c.kind === 'customer').map((c) => ({ id: c.id, name: c.name })),
  );
  const syncStart = firstDayOf(addPeriods(periodOf(today), -2));
  let mapped = 0;
  for (const customer of await listSourceCustomers(o.pool, o.workspaceId)) {
    const suggestion = match({ name: customer.name, domain: customer.defaultDomain });
    if (!suggestion) continue;
    const agreement = directory.contracts
      .filter(
        (c) =>
          c.companyId === suggestion.companyId &&
          c.recurring &&
          c.active &&
          (c.endDate === undefined || c.endDate >= today),
      )
      .sort((a, b) => (a.startDate < b.startDate ? -1 : 1))[0];
    if (!agreement) continue;
    await saveMapping(o.pool, o.workspaceId, 'connectwise', {
      tenant_id: customer.tenantId,
      company_id: suggestion.companyId,
      company_name: suggestion.companyName,
      contract_id: agreement.id,
      contract_name: agreement.name,
      strategy: 'cost-and-retail',
      sync_start: syncStart,
      sync_on: true,
    });
    mapped += 1;
  }
  log(`mapped ${mapped} customers to their ConnectWise companies`);
  const ctx = {
    ws: o.workspaceId,
    target: 'connectwise' as const,
    asOf: today,
    trigger: 'demo',
    actor: 'demo',
  };
  const products = await syncProducts(deps, ctx, { preview: false });
  const customers = await syncCustomers(deps, ctx, { preview: false });
  log(`first syncs: products ${products.status}, customers ${customers.map((c) => c.status).join(', ')}`);
  return { files, mapped, products, customers };
}

/**
 * The Microsoft CSP demo files (written first when missing) imported into the workspace, as seedDemo does.
 * A copy of seedDemo's first step (seed-demo.ts was outside this change); fold the two together when next there.
 */
async function importDemoFiles(o: ConnectWiseDemoSeedOptions, log: (m: string) => void): Promise<number> {
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
  // Invoices before the Azure usage files (the usage belongs to an imported invoice).
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
