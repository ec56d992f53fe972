import {
  DEMO_BILLING_CODES,
  DEMO_CREDENTIALS,
  DEMO_IDS,
  DEMO_RESOURCES,
  DEMO_SERVICES,
} from './demo-catalog';
import { DEMO_CUSTOMERS, DEMO_SPECIAL } from './demo-names';
import type { AutotaskSeed } from './store/seed';

export { DEMO_CREDENTIALS, DEMO_IDS } from './demo-catalog';

/** Contract dates as relative tokens, resolved against the emulator clock's today when the seed loads. */
function contractWindow(i: number): { startDate: string; endDate: string } {
  if (i === DEMO_SPECIAL.ended) return { startDate: '@monthStart-13m', endDate: '@monthEnd-1m' };
  if (i === DEMO_SPECIAL.startsNextMonth) return { startDate: '@monthStart+1m', endDate: '@monthEnd+12m' };
  const back = ((i * 5) % 23) + 1; // 1..23 months ago, deterministic spread
  return { startDate: `@monthStart-${back}m`, endDate: `@monthEnd+${35 - back}m` };
}

/**
 * The built-in demo tenant: one API user, an owner resource, billing codes of several use types, three
 * vendors (Microsoft first), 25 customers with a Recurring Service contract each (one ended last month, one
 * starting next month, one quarterly, one renewed, one with an extra Block Hours contract), two prospects,
 * a few services (one named `PC_CFQ7TTC0LH18:0001`, a billsync-style name that collides) and some contract
 * lines with units. Deterministic: all dates are relative tokens.
 */
export function loadDemoSeed(): AutotaskSeed {
  const companies: Array<Record<string, unknown>> = [];
  const contracts: Array<Record<string, unknown>> = [];
  const lines: Array<Record<string, unknown>> = [];
  const adjustments: Array<Record<string, unknown>> = [];
  const company = (id: number, companyName: string, companyType: number, city: string, state: string) =>
    companies.push({
      id,
      companyName,
      companyType,
      ownerResourceID: DEMO_IDS.owner,
      phone: `+1 555-01${String(companies.length).padStart(2, '0')}`,
      city,
      state,
      isActive: true,
    });
  company(DEMO_IDS.microsoft, 'Microsoft', 6, 'Redmond', 'WA');
  company(DEMO_IDS.microsoft + 1, 'Pax8', 6, 'Greenwood Village', 'CO');
  company(DEMO_IDS.microsoft + 2, 'Dell Technologies', 6, 'Round Rock', 'TX');
  let contractId: number = DEMO_IDS.firstContract;
  let lineId = 29684000;
  DEMO_CUSTOMERS.forEach((c, i) => {
    const companyID = DEMO_IDS.firstCompany + i;
    company(companyID, c.name, 1, c.city, c.state);
    const contract = (
      window: { startDate: string; endDate: string },
      extra: Record<string, unknown> = {},
    ) => {
      contracts.push({
        id: contractId,
        companyID,
        contractName: `${c.name} - Managed Services`,
        contractNumber: `MSA-${1001 + i}`,
        contractType: 7,
        status: 1,
        contractPeriodType: i === DEMO_SPECIAL.quarterly ? 3 : 2,
        contractCategory: 1,
        timeReportingRequiresStartAndStopTimes: 0,
        ...window,
        ...extra,
      });
      return contractId++;
    };
    if (i === DEMO_SPECIAL.renewed) {
      contract(
        { startDate: '@monthStart-24m', endDate: '@monthEnd-12m' },
        { contractName: `${c.name} - MSA (previous term)` },
      );
    }
    const main = contract(contractWindow(i));
    if (i === DEMO_SPECIAL.blockHours) {
      contract(
        { startDate: '@monthStart-2m', endDate: '@monthEnd+9m' },
        { contractName: `${c.name} - Block Hours`, contractType: 4, contractPeriodType: null },
      );
    }
    // Every third running customer already has managed workstations on its contract.
    if (i % 3 === 0 && i !== DEMO_SPECIAL.startsNextMonth) {
      const id = lineId++;
      const start = contracts.find((k) => k.id === main)?.startDate as string;
      lines.push({ id, contractID: main, serviceID: DEMO_IDS.serviceWorkstation, startDate: start });
      adjustments.push({ contractServiceID: id, effectiveDate: start, unitChange: 5 + (i % 7) * 2 });
    }
  });
  company(DEMO_IDS.firstCompany + 50, 'Granite Peak Dental', 3, 'Missoula', 'MT');
  company(DEMO_IDS.firstCompany + 51, 'Lakeshore Yoga Studio', 2, 'Sandpoint', 'ID');
  return {
    description: 'billsync demo Autotask tenant',
    zone: { zoneName: 'America West (emulator)', webUrl: 'https://ww5.autotask.net/', ci: 482913 },
    firstId: 29685000,
    apiUsers: [{ ...DEMO_CREDENTIALS, resourceId: DEMO_IDS.apiResource }],
    Resources: DEMO_RESOURCES,
    BillingCodes: DEMO_BILLING_CODES,
    Companies: companies,
    Contracts: contracts,
    Services: DEMO_SERVICES,
    ContractServices: lines,
    ContractServiceAdjustments: adjustments,
  };
}
