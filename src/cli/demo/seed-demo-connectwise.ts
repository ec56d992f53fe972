import { DEMO_CREDENTIALS, DEMO_IDS } from '../../../emulators/connectwise';
import { createCompanyMatcher } from '../../core/match/company-match';
import { addPeriods, firstDayOf, periodOf } from '../../core/time/billing-period';
import { listSourceCustomers } from '../../db/repos/source-data';
import { saveMapping, saveProgram } from '../../db/repos/sync';
import { DEFAULT_PROGRAM } from '../../engine/program';
import { syncCustomers, syncProducts } from '../../engine/sync';
import { createEngineDeps } from '../../runtime/engine';
import { createTargetOpener } from '../../runtime/targets';
import { saveConnection } from '../../services/connections';
import { type DemoSeedOptions, type DemoSeedResult, importDemoFiles } from './seed-demo';

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
