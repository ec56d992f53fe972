import type { Rng } from './prng';

/**
 * Tenant names of the demo customers, in order (the first `--customers N` are used). They line up with the
 * Autotask demo seed (emulators/autotask/demo-names.ts) so the customer-matching suggestion has real work: the
 * first three are spelled slightly differently from their PSA companies ("Contoso Limited" vs "Contoso Ltd",
 * "Fabrikam, Inc." vs "Fabrikam Incorporated", "Northwind Traders" vs "Northwind Traders Ltd"), the next 22 are
 * the PSA names exactly, and the last five have no PSA company (tenants the MSP has not mapped yet).
 */
export const DEMO_CUSTOMER_NAMES: readonly string[] = [
  'Contoso Limited',
  'Fabrikam, Inc.',
  'Northwind Traders',
  'Harbor Dental Group',
  'Greenfield Veterinary Clinic',
  'Maple Street Bakery',
  'Riverside Accounting LLP',
  'Summit Legal Partners',
  'Oakwood Family Practice',
  'Brightline Architects',
  'Cedar Creek Construction',
  'Lakeside Property Management',
  'Pinnacle Insurance Agency',
  'Redwood Logistics',
  'Silverline Marketing',
  'Hillcrest Academy',
  'Bayview Auto Repair',
  'Keystone Engineering',
  'Meadowbrook Farms',
  'Northgate Pharmacy',
  'Evergreen Landscaping',
  'Copperfield Realty',
  'Bluebird Child Care',
  'Ironwood Fitness',
  'Sunset Travel Agency',
  'Adventure Works Cycles',
  'Tailspin Toys',
  'Wide World Importers',
  'Litware, Inc.',
  'Proseware, Inc.',
];

/** A demo end customer (a Microsoft tenant). */
export interface DemoCustomer {
  index: number;
  tenantId: string;
  name: string;
  domain: string;
  country: string;
}

const SUFFIXES = /\b(inc|ltd|limited|corporation|company|llp|llc)\b/g;

/** `Contoso Limited` -> `contoso.onmicrosoft.com`; `Fabrikam, Inc.` -> `fabrikam.onmicrosoft.com`. */
export function tenantDomain(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(SUFFIXES, '')
    .replace(/[^a-z0-9]/g, '');
  return `${slug || 'tenant'}.onmicrosoft.com`;
}

/** The first `count` customers; past the end of the list, names repeat with a number (`Contoso Limited 2`). */
export function demoCustomers(count: number, rng: Rng): DemoCustomer[] {
  return Array.from({ length: count }, (_, index) => {
    const base = DEMO_CUSTOMER_NAMES[index % DEMO_CUSTOMER_NAMES.length]!;
    const round = Math.floor(index / DEMO_CUSTOMER_NAMES.length);
    const name = round === 0 ? base : `${base} ${round + 1}`;
    const domain = round === 0 ? tenantDomain(name) : tenantDomain(`${base}${round + 1}`);
    return { index, tenantId: rng.guid(), name, domain, country: 'US' };
  });
}
