import {
  type AutotaskEmulator,
  type AutotaskLimits,
  type AutotaskRules,
  createAutotaskEmulator,
  parseSeed,
} from '../../emulators/autotask';
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
import { createAutotaskAdapter } from '../../src/targets/autotask';
import { d, inv, priceEntry, TENANT } from './planner-fixtures';

export const CREDS = { userName: 'api@e2e.example', secret: 'e2e-secret', integrationCode: 'E2ECODE' };
export const IDS = {
  vendor: 100,
  code: 200,
  codeOther: 201,
  company: 300,
  contract: 400,
  endedContract: 401,
};

/** A small Autotask tenant: Microsoft as vendor, a recurring-service billing code, one customer with two contracts. */
export function e2eSeed(extra: { services?: Record<string, unknown>[]; extraCustomers?: number } = {}) {
  const n = extra.extraCustomers ?? 0;
  const more = Array.from({ length: n }, (_, i) => i);
  return {
    apiUsers: [{ ...CREDS, resourceId: 1 }],
    Resources: [
      {
        id: 1,
        firstName: 'API',
        lastName: 'User',
        userName: CREDS.userName,
        email: CREDS.userName,
        isActive: true,
      },
    ],
    BillingCodes: [
      { id: IDS.code, name: 'Cloud and SaaS', useType: 5, isActive: true, unitCost: 0, unitPrice: 0 },
      { id: IDS.codeOther, name: 'Remote Support', useType: 1, isActive: true, unitCost: 0, unitPrice: 0 },
    ],
    Companies: [
      { id: IDS.vendor, companyName: 'Microsoft', companyType: 6, ownerResourceID: 1, phone: '1' },
      { id: IDS.company, companyName: 'Contoso Dental Ltd', companyType: 1, ownerResourceID: 1, phone: '2' },
      ...more.map((i) => ({
        id: 600 + i,
        companyName: `Customer ${i}`,
        companyType: 1,
        ownerResourceID: 1,
        phone: '3',
      })),
    ],
    Contracts: [
      {
        id: IDS.contract,
        companyID: IDS.company,
        contractName: 'Contoso Microsoft 365',
        contractType: 7,
        status: 1,
        contractPeriodType: 2,
        timeReportingRequiresStartAndStopTimes: 0,
        startDate: '2025-01-01',
        endDate: '2027-12-31',
      },
      {
        id: IDS.endedContract,
        companyID: IDS.company,
        contractName: 'Contoso 2024',
        contractType: 7,
        status: 1,
        contractPeriodType: 2,
        timeReportingRequiresStartAndStopTimes: 0,
        startDate: '2024-01-01',
        endDate: '2024-12-31',
      },
      ...more.map((i) => ({
        id: 500 + i,
        companyID: 600 + i,
        contractName: `Customer ${i} M365`,
        contractType: 7,
        status: 1,
        contractPeriodType: 2,
        timeReportingRequiresStartAndStopTimes: 0,
        startDate: '2025-01-01',
        endDate: '2027-12-31',
      })),
    ],
    Services: extra.services ?? [],
  };
}

export interface AutotaskWorld {
  ws: WorkspaceId;
  emulator: AutotaskEmulator;
  base: string;
  deps: EngineDeps;
  close(): Promise<void>;
}

export async function autotaskWorld(
  pool: Pool,
  options: {
    invoices: CustomerInvoice[];
    priceList: PriceListEntry[];
    contractId?: number;
    now?: string;
    services?: Record<string, unknown>[];
    timeoutMs?: number;
    /** More customers (tenant ids), each with the same invoices and its own contract. */
    extraTenants?: string[];
    /** An Autotask variant (emulator switches, see autotask-variants.ts). */
    rules?: Partial<AutotaskRules>;
    limits?: Partial<AutotaskLimits>;
  },
): Promise<AutotaskWorld> {
  const emulator = createAutotaskEmulator({
    seed: parseSeed(
      e2eSeed({
        ...(options.services ? { services: options.services } : {}),
        extraCustomers: options.extraTenants?.length ?? 0,
      }),
    ),
    clock: createClock({ start: options.now ?? '2025-09-10T09:00:00Z' }),
    sleep: async () => {},
    ...(options.rules ? { rules: options.rules } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const base = await emulator.listen(0);
  const ws = (await insertWorkspace(pool, `e2e-${Math.random()}`)).id;
  const extra = options.extraTenants ?? [];
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
  await saveProgram(pool, ws, 'autotask', {
    ...DEFAULT_PROGRAM,
    syncEnabled: true,
    billingCodeId: String(IDS.code),
    vendorId: String(IDS.vendor),
  });
  await saveMapping(pool, ws, 'autotask', {
    tenant_id: TENANT,
    company_id: String(IDS.company),
    company_name: 'Contoso Dental Ltd',
    contract_id: String(options.contractId ?? IDS.contract),
    contract_name: 'Contoso Microsoft 365',
    strategy: 'cost-and-retail',
    sync_start: d('2025-08-01'),
    sync_on: true,
  });
  for (const [i, t] of extra.entries()) {
    await saveMapping(pool, ws, 'autotask', {
      tenant_id: t,
      company_id: String(600 + i),
      company_name: `Customer ${i}`,
      contract_id: String(500 + i),
      contract_name: `Customer ${i} M365`,
      strategy: 'cost-and-retail',
      sync_start: d('2025-08-01'),
      sync_on: true,
    });
  }
  const adapter = createAutotaskAdapter({
    username: CREDS.userName,
    secret: CREDS.secret,
    integrationCode: CREDS.integrationCode,
    discoveryUrl: `${base}/ATServicesRest/`,
    timeoutMs: options.timeoutMs ?? 5000,
    sleep: async () => {},
  });
  const deps: EngineDeps = {
    pool,
    clock: fixedClock('2025-09-10'),
    openTarget: async () => adapter,
    retry: { attempts: 6, baseDelayMs: 1, sleep: async () => {} },
  };
  return { ws, emulator, base, deps, close: () => emulator.close() };
}

export const runCtx = (w: { ws: WorkspaceId }, asOf = '2025-09-10') => ({
  ws: w.ws,
  target: 'autotask' as const,
  asOf: d(asOf) as PlainDate,
  trigger: 'test',
  actor: 'test',
});

export { inv, priceEntry };
