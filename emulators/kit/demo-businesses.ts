/**
 * The 25 businesses of every demo tenant (Autotask, ConnectWise, Pax8), so billsync's demo CSP customers
 * (src/sources/partner-center/demo/customers.ts) line up with any of them. The first three are deliberately close
 * to, but not the same as, the Microsoft tenant names a Partner Center demo uses (`tenantHint`), so name matching
 * has something to suggest and a human something to confirm; the other 22 are alike.
 */
export const DEMO_BUSINESSES: ReadonlyArray<{
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
