/**
 * Demo customers: the same 25 businesses as the Autotask demo tenant (emulators/autotask/demo-names.ts), so
 * billsync's demo CSP customers (src/sources/partner-center/demo/customers.ts) line up with either PSA: the
 * first three are spelled slightly differently from their Microsoft tenants, the next 22 exactly alike.
 * `identifier` is ConnectWise's short "Company ID".
 */
export const DEMO_CUSTOMERS: ReadonlyArray<{
  name: string;
  city: string;
  state: string;
  tenantHint?: string;
}> = [
  { name: 'Contoso Ltd', city: 'Seattle', state: 'WA', tenantHint: 'Contoso Limited' },
  { name: 'Fabrikam Incorporated', city: 'Portland', state: 'OR', tenantHint: 'Fabrikam, Inc.' },
  { name: 'Northwind Traders Ltd', city: 'Boise', state: 'ID', tenantHint: 'Northwind Traders' },
  { name: 'Harbor Dental Group', city: 'Tacoma', state: 'WA' },
  { name: 'Greenfield Veterinary Clinic', city: 'Spokane', state: 'WA' },
  { name: 'Maple Street Bakery', city: 'Eugene', state: 'OR' },
  { name: 'Riverside Accounting LLP', city: 'Salem', state: 'OR' },
  { name: 'Summit Legal Partners', city: 'Bend', state: 'OR' },
  { name: 'Oakwood Family Practice', city: 'Olympia', state: 'WA' },
  { name: 'Brightline Architects', city: 'Bellevue', state: 'WA' },
  { name: 'Cedar Creek Construction', city: 'Everett', state: 'WA' },
  { name: 'Lakeside Property Management', city: "Coeur d'Alene", state: 'ID' },
  { name: 'Pinnacle Insurance Agency', city: 'Vancouver', state: 'WA' },
  { name: 'Redwood Logistics', city: 'Medford', state: 'OR' },
  { name: 'Silverline Marketing', city: 'Kirkland', state: 'WA' },
  { name: 'Hillcrest Academy', city: 'Yakima', state: 'WA' },
  { name: 'Bayview Auto Repair', city: 'Bellingham', state: 'WA' },
  { name: 'Keystone Engineering', city: 'Redmond', state: 'WA' },
  { name: 'Meadowbrook Farms', city: 'Walla Walla', state: 'WA' },
  { name: 'Northgate Pharmacy', city: 'Renton', state: 'WA' },
  { name: 'Evergreen Landscaping', city: 'Corvallis', state: 'OR' },
  { name: 'Copperfield Realty', city: 'Nampa', state: 'ID' },
  { name: 'Bluebird Child Care', city: 'Kent', state: 'WA' },
  { name: 'Ironwood Fitness', city: 'Hillsboro', state: 'OR' },
  { name: 'Sunset Travel Agency', city: 'Gresham', state: 'OR' },
];

/** `Contoso Ltd` -> `ContosoLtd` (the Company ID, at most 30 characters). */
export function companyIdentifier(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, '').slice(0, 30);
}

/** Indexes into DEMO_CUSTOMERS with special agreements (the same customers as the Autotask demo where it has them). */
export const DEMO_SPECIAL = {
  /** Its only agreement ended last month. */
  ended: 5,
  /** Its agreement starts on the first day of next month. */
  startsNextMonth: 9,
  /** Quarterly billing cycle. */
  quarterly: 13,
  /** Also has a Block Hours agreement. */
  blockHours: 17,
  /** An ended previous term and its renewal. */
  renewed: 20,
  /** Also has a cancelled Microsoft 365 agreement. */
  cancelled: 21,
} as const;
