import type { ConnectWiseSeed } from '../store/seed';
import { companyIdentifier, DEMO_CUSTOMERS, DEMO_SPECIAL } from './demo-names';
import {
  DEMO_AGREEMENT_TYPES,
  DEMO_BILLING_CYCLES,
  DEMO_CATALOG,
  DEMO_CATEGORIES,
  DEMO_COMPANY_STATUSES,
  DEMO_COMPANY_TYPES,
  DEMO_CREDENTIALS,
  DEMO_IDS,
  DEMO_MANUFACTURERS,
  DEMO_PRODUCT_TYPES,
  DEMO_SUBCATEGORIES,
  DEMO_TAX_CODES,
  DEMO_UNITS,
} from './demo-setup';

export { DEMO_CREDENTIALS, DEMO_IDS } from './demo-setup';

type Window = { startDate: string; endDate?: string; noEndingDateFlag?: boolean };

/** Agreement dates as relative tokens, resolved against the emulator clock's today when the seed loads. */
function agreementWindow(i: number): Window {
  if (i === DEMO_SPECIAL.ended) return { startDate: '@monthStart-13m', endDate: '@monthEnd-1m' };
  if (i === DEMO_SPECIAL.startsNextMonth) return { startDate: '@monthStart+1m', endDate: '@monthEnd+12m' };
  const back = ((i * 5) % 23) + 1; // 1..23 months ago, deterministic spread
  // Every fourth agreement is open-ended, the others run three years.
  return i % 4 === 2
    ? { startDate: `@monthStart-${back}m`, noEndingDateFlag: true }
    : { startDate: `@monthStart-${back}m`, endDate: `@monthEnd+${35 - back}m` };
}

/**
 * The built-in demo tenant (login company `demo`): one API member, the owner company, three vendors (Microsoft
 * first), 25 customers with a contact and an agreement each (Managed Services, which prorates, for even
 * indexes; Microsoft CSP, which does not, for odd ones; one ended last month, one starting next month, one
 * quarterly, one renewed, one with an extra Block Hours agreement, one with an extra cancelled agreement), two
 * prospects, product setup tables with "Miscellaneous" defaults, a catalog with an identifier collision
 * (`CFQ7TTC0LH18:0001`) and an item carrying a demo vendor SKU, and Managed Workstation additions on every third
 * running customer. Deterministic: all dates are relative tokens.
 */
export function loadDemoSeed(): ConnectWiseSeed {
  const I = DEMO_IDS;
  const companies: Array<Record<string, unknown>> = [];
  const contacts: Array<Record<string, unknown>> = [];
  const agreements: Array<Record<string, unknown>> = [];
  const additions: Array<Record<string, unknown>> = [];
  const company = (
    id: number,
    name: string,
    type: number,
    city: string,
    state: string,
    identifier?: string,
  ) =>
    companies.push({
      id,
      identifier: identifier ?? companyIdentifier(name),
      name,
      types: [{ id: type }],
      city,
      state,
      phoneNumber: `+1 555-01${String(companies.length).padStart(2, '0')}`,
    });
  company(I.owner, 'Northbridge IT', 4, 'Seattle', 'WA');
  company(I.microsoft, 'Microsoft Corporation', I.typeVendor, 'Redmond', 'WA', 'Microsoft');
  company(I.pax8, 'Pax8', I.typeVendor, 'Greenwood Village', 'CO');
  company(I.dell, 'Dell Technologies', I.typeVendor, 'Round Rock', 'TX');
  let agreementId: number = I.firstAgreement;
  let additionId: number = I.firstAddition;
  DEMO_CUSTOMERS.forEach((c, i) => {
    const companyId = I.firstCustomer + i;
    const contactId = I.firstContact + i;
    company(companyId, c.name, I.typeClient, c.city, c.state);
    contacts.push({
      id: contactId,
      firstName: 'Billing',
      lastName: `Contact ${i + 1}`,
      company: { id: companyId },
    });
    const csp = i % 2 === 1;
    const agreement = (window: Window, extra: Record<string, unknown> = {}) => {
      agreements.push({
        id: agreementId,
        name: `${c.name} - ${csp ? 'Microsoft 365' : 'Managed Services'}`,
        type: { id: csp ? I.agreementCsp : I.agreementManaged },
        company: { id: companyId },
        contact: { id: contactId },
        ...(i === DEMO_SPECIAL.quarterly ? { billingCycle: { id: I.cycleQuarterly } } : {}),
        ...window,
        ...extra,
      });
      return agreementId++;
    };
    if (i === DEMO_SPECIAL.renewed) {
      agreement(
        { startDate: '@monthStart-24m', endDate: '@monthEnd-12m' },
        { name: `${c.name} - previous term` },
      );
    }
    const main = agreement(agreementWindow(i));
    if (i === DEMO_SPECIAL.blockHours) {
      agreement(
        { startDate: '@monthStart-2m', endDate: '@monthEnd+9m' },
        { name: `${c.name} - Block Hours`, type: { id: I.agreementBlockHours } },
      );
    }
    if (i === DEMO_SPECIAL.cancelled) {
      agreement(
        { startDate: '@monthStart-10m', noEndingDateFlag: true },
        {
          name: `${c.name} - Microsoft 365 (old)`,
          cancelledFlag: true,
          dateCancelled: '@monthEnd-1m',
          reasonCancelled: 'Moved to a new agreement',
        },
      );
    }
    // Every third running customer already has managed workstations on its agreement.
    if (i % 3 === 0 && i !== DEMO_SPECIAL.startsNextMonth) {
      const start = agreements.find((a) => a.id === main)?.startDate as string;
      additions.push({
        id: additionId++,
        agreementId: main,
        product: { id: I.itemWorkstation },
        quantity: 5 + (i % 7) * 2,
        billCustomer: 'Billable',
        effectiveDate: start,
      });
    }
  });
  company(I.firstCustomer + 50, 'Granite Peak Dental', 2, 'Missoula', 'MT');
  company(I.firstCustomer + 51, 'Lakeshore Yoga Studio', 5, 'Sandpoint', 'ID');
  return {
    description: 'billsync demo ConnectWise PSA tenant',
    tenant: { companyId: DEMO_CREDENTIALS.companyId, companyName: 'Northbridge IT (emulator)' },
    apiMembers: [
      {
        identifier: DEMO_CREDENTIALS.memberIdentifier,
        publicKey: DEMO_CREDENTIALS.publicKey,
        privateKey: DEMO_CREDENTIALS.privateKey,
      },
    ],
    companyStatuses: DEMO_COMPANY_STATUSES,
    companyTypes: DEMO_COMPANY_TYPES,
    companies,
    contacts,
    billingCycles: DEMO_BILLING_CYCLES,
    taxCodes: DEMO_TAX_CODES,
    agreementTypes: DEMO_AGREEMENT_TYPES,
    agreements,
    categories: DEMO_CATEGORIES,
    subcategories: DEMO_SUBCATEGORIES,
    productTypes: DEMO_PRODUCT_TYPES,
    manufacturers: DEMO_MANUFACTURERS,
    unitOfMeasures: DEMO_UNITS,
    catalog: DEMO_CATALOG,
    additions,
  };
}
