import {
  type ConnectWiseEmulator,
  type ConnectWiseLimits,
  type ConnectWiseRules,
  createConnectWiseEmulator,
  parseSeed,
} from '../../emulators/connectwise';
import { createClock } from '../../emulators/kit';
import type { WorkspaceId } from '../../src/core/ids';
import type { InvoiceLine, PriceListEntry } from '../../src/core/model/source';
import type { CustomerInvoice } from '../../src/core/planner/customer-plan';
import { fixedClock } from '../../src/core/time/clock';
import type { PlainDate } from '../../src/core/time/plain-date';
import type { Pool } from '../../src/db/pool';
import { storeInvoice, storePriceList, upsertSourceCustomers } from '../../src/db/repos/source-data';
import { saveMapping, saveProgram } from '../../src/db/repos/sync';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import type { EngineDeps } from '../../src/engine/deps';
import { DEFAULT_PROGRAM } from '../../src/engine/program';
import { createConnectWiseAdapter, forgetCodebases } from '../../src/targets/connectwise';
import { d, TENANT } from './planner-fixtures';

export const CW_CREDS = { companyId: 'e2e', publicKey: 'e2e-public', privateKey: 'e2e-private' };
export const CW_IDS = {
  microsoft: 19,
  company: 250,
  contact: 800,
  agreement: 1040,
  endedAgreement: 1041,
  subcategory: 1,
  productType: 1,
  /** A hand-made item carrying the Basic offer's SKU code as vendor SKU: billsync links it. */
  linkedItem: 30,
};
/** The SKU code of the item the seed already has (vendor SKU), linked by the product sync. */
export const LINKED_SKU = 'CFQ7TTC0LH18:0001';

/** A small ConnectWise tenant: Microsoft as vendor, one customer with a CSP agreement and an ended one. */
export function cwSeed(o: { prorate: boolean; extraCustomers?: number }) {
  const more = Array.from({ length: o.extraCustomers ?? 0 }, (_, i) => i);
  return {
    tenant: { companyId: CW_CREDS.companyId, companyName: 'E2E IT', codebase: 'v2025_8/', version: '2025.8' },
    apiMembers: [{ identifier: 'billsync', publicKey: CW_CREDS.publicKey, privateKey: CW_CREDS.privateKey }],
    companyStatuses: [{ id: 1, name: 'Active', defaultFlag: true }],
    companyTypes: [
      { id: 1, name: 'Client', defaultFlag: true },
      { id: 6, name: 'Vendor', vendorFlag: true },
    ],
    companies: [
      {
        id: CW_IDS.microsoft,
        identifier: 'Microsoft',
        name: 'Microsoft',
        city: 'Redmond',
        types: [{ id: 6 }],
      },
      {
        id: CW_IDS.company,
        identifier: 'ContosoDental',
        name: 'Contoso Dental Ltd',
        city: 'Leeds',
        types: [{ id: 1 }],
      },
      ...more.map((i) => ({
        id: 600 + i,
        identifier: `Customer${i}`,
        name: `Customer ${i}`,
        city: 'York',
        types: [{ id: 1 }],
      })),
    ],
    contacts: [
      { id: CW_IDS.contact, firstName: 'Ann', lastName: 'Lee', company: { id: CW_IDS.company } },
      ...more.map((i) => ({ id: 900 + i, firstName: 'Bo', lastName: `Lee ${i}`, company: { id: 600 + i } })),
    ],
    billingCycles: [
      { id: 2, identifier: 'M', name: 'Monthly', billingOptions: 'Monthly', defaultFlag: true },
    ],
    taxCodes: [],
    agreementTypes: [
      {
        id: 7,
        name: 'Microsoft CSP',
        billingCycle: { id: 2 },
        prorateFlag: o.prorate,
        employeeCompRate: 'Actual',
        employeeCompNotExceed: 'Billing',
        invoicingCycle: 'CalendarYear',
        billTime: 'Billable',
        billExpenses: 'Billable',
        billProducts: 'Billable',
      },
    ],
    agreements: [
      {
        id: CW_IDS.agreement,
        name: 'Contoso Microsoft 365',
        type: { id: 7 },
        company: { id: CW_IDS.company },
        contact: { id: CW_IDS.contact },
        startDate: '2025-01-01T00:00:00Z',
        endDate: '2027-12-31T00:00:00Z',
      },
      {
        id: CW_IDS.endedAgreement,
        name: 'Contoso 2024',
        type: { id: 7 },
        company: { id: CW_IDS.company },
        contact: { id: CW_IDS.contact },
        startDate: '2024-01-01T00:00:00Z',
        endDate: '2024-12-31T00:00:00Z',
      },
      ...more.map((i) => ({
        id: 500 + i,
        name: `Customer ${i} M365`,
        type: { id: 7 },
        company: { id: 600 + i },
        contact: { id: 900 + i },
        startDate: '2025-01-01T00:00:00Z',
        endDate: '2027-12-31T00:00:00Z',
      })),
    ],
    categories: [{ id: 1, name: 'Miscellaneous', defaultFlag: true }],
    subcategories: [{ id: CW_IDS.subcategory, name: 'Miscellaneous', category: { id: 1 } }],
    productTypes: [{ id: CW_IDS.productType, name: 'Miscellaneous' }],
    manufacturers: [],
    unitOfMeasures: [{ id: 1, name: 'Each', defaultFlag: true }],
    catalog: [
      {
        id: CW_IDS.linkedItem,
        identifier: 'M365-BASIC',
        vendorSku: LINKED_SKU,
        description: 'M365 Basic (ours)',
        customerDescription: 'Microsoft 365 Business Basic',
        subcategory: { id: CW_IDS.subcategory },
        type: { id: CW_IDS.productType },
        price: 7,
        cost: 6,
      },
    ],
    additions: [],
  };
}

export interface ConnectWiseWorld {
  ws: WorkspaceId;
  emulator: ConnectWiseEmulator;
  base: string;
  deps: EngineDeps;
  close(): Promise<void>;
}

export async function connectwiseWorld(
  pool: Pool,
  options: {
    invoices: CustomerInvoice[];
    priceList: PriceListEntry[];
    agreementId?: number;
    now?: string;
    asOf?: string;
    prorate?: boolean;
    timeoutMs?: number;
    extraTenants?: string[];
    rules?: Partial<ConnectWiseRules>;
    limits?: Partial<ConnectWiseLimits>;
    /** More catalog items in the seed (collisions, several items with one vendor SKU). */
    catalog?: Record<string, unknown>[];
    /** Changes the seed before it loads (more agreements, billing cycles). */
    editSeed?: (seed: Record<string, unknown[]>) => void;
  },
): Promise<ConnectWiseWorld> {
  const extra = options.extraTenants ?? [];
  const seedWith = (catalog: Record<string, unknown>[]) => {
    const seed = cwSeed({ prorate: options.prorate ?? false, extraCustomers: extra.length });
    const out = { ...seed, catalog: [...seed.catalog, ...catalog] };
    options.editSeed?.(out as unknown as Record<string, unknown[]>);
    return out;
  };
  const emulator = createConnectWiseEmulator({
    seed: parseSeed(seedWith(options.catalog ?? [])),
    clock: createClock({ start: options.now ?? '2025-09-10T09:00:00Z' }),
    sleep: async () => {},
    ...(options.rules ? { rules: options.rules } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const base = await emulator.listen();
  forgetCodebases();
  const ws = (await insertWorkspace(pool, `e2e-cw-${Math.random()}`)).id;
  await upsertSourceCustomers(pool, ws, [
    { tenantId: TENANT, name: 'Contoso Dental', defaultDomain: 'contosodental.onmicrosoft.com' },
    ...extra.map((t, i) => ({ tenantId: t, name: `Customer ${i}`, defaultDomain: '' })),
  ]);
  await storePriceList(pool, ws, options.priceList);
  for (const i of options.invoices) {
    const copies = extra.flatMap((t) =>
      i.lines.map((l) => ({ ...l, customerTenantId: t, subscriptionId: `${t}-${l.subscriptionId}` })),
    );
    const lines = [...i.lines, ...copies].map((l, n) => ({ ...l, lineNumber: n + 1 }));
    await storeInvoice(pool, ws, i.header, lines as InvoiceLine[]);
  }
  await saveProgram(pool, ws, 'connectwise', {
    ...DEFAULT_PROGRAM,
    syncEnabled: true,
    // No billing code: ConnectWise files new items by subcategory and product type ("Miscellaneous" here).
    vendorId: String(CW_IDS.microsoft),
  });
  const map = async (tenant: string, company: number, agreement: number, name: string) =>
    saveMapping(pool, ws, 'connectwise', {
      tenant_id: tenant,
      company_id: String(company),
      company_name: name,
      contract_id: String(agreement),
      contract_name: `${name} M365`,
      strategy: 'cost-and-retail',
      sync_start: d('2025-08-01'),
      sync_on: true,
    });
  await map(TENANT, CW_IDS.company, options.agreementId ?? CW_IDS.agreement, 'Contoso Dental Ltd');
  for (const [i, t] of extra.entries()) await map(t, 600 + i, 500 + i, `Customer ${i}`);
  const adapter = createConnectWiseAdapter({
    site: base,
    ...CW_CREDS,
    clientId: 'billsync-e2e',
    timeoutMs: options.timeoutMs ?? 5000,
    sleep: async () => {},
  });
  const deps: EngineDeps = {
    pool,
    clock: fixedClock((options.asOf ?? '2025-09-10') as PlainDate),
    openTarget: async () => adapter,
    retry: { attempts: 6, baseDelayMs: 1, sleep: async () => {} },
  };
  return { ws, emulator, base, deps, close: () => emulator.close() };
}

export const cwRunCtx = (w: { ws: WorkspaceId }, asOf = '2025-09-10') => ({
  ws: w.ws,
  target: 'connectwise' as const,
  asOf: d(asOf) as PlainDate,
  trigger: 'test',
  actor: 'test',
});

/** What the emulator bills the agreement per month (`GET /_emulator/billing`): month -> amount total. */
export async function billedByMonth(
  w: ConnectWiseWorld,
  agreementId: number,
  from: string,
  to: string,
): Promise<Record<string, string>> {
  const res = await fetch(`${w.base}/_emulator/billing?agreementId=${agreementId}&from=${from}&to=${to}`);
  const body = (await res.json()) as { months?: { month: string; total: { amount: string } }[] };
  if (!res.ok || !Array.isArray(body.months)) throw new Error(`billing report: ${JSON.stringify(body)}`);
  return Object.fromEntries(body.months.map((m) => [m.month, m.total.amount]));
}
