/** Fixed records of the demo tenant: credentials, setup tables and the pre-existing product catalog. */

/** Demo credentials (README): any clientId is accepted. */
export const DEMO_CREDENTIALS = {
  companyId: 'demo',
  publicKey: 'demo-public',
  privateKey: 'demo-private',
  /** The API member's identifier, seen in `_info.updatedBy`. */
  memberIdentifier: 'billsync-api',
} as const;

export const DEMO_IDS = {
  owner: 2,
  microsoft: 19,
  pax8: 20,
  dell: 21,
  firstCustomer: 250,
  firstContact: 800,
  firstAgreement: 1040,
  firstAddition: 5500,
  typeClient: 1,
  typeVendor: 6,
  cycleMonthly: 2,
  cycleQuarterly: 3,
  cycleYearly: 4,
  cycleOneTime: 5,
  agreementManaged: 3,
  agreementCsp: 7,
  agreementBlockHours: 8,
  agreementAnnual: 9,
  categoryMisc: 1,
  categoryCloud: 9,
  subcategoryMisc: 1,
  subcategoryM365: 31,
  subcategoryManaged: 50,
  typeMisc: 1,
  typeService: 2,
  typeLicense: 4,
  manufacturerMicrosoft: 3,
  uomEach: 1,
  itemWorkstation: 801,
  itemCollision: 812,
  itemLinkable: 813,
  itemInactive: 820,
} as const;

const I = DEMO_IDS;

export const DEMO_COMPANY_STATUSES = [
  { id: 1, name: 'Active', defaultFlag: true },
  { id: 2, name: 'Inactive' },
  { id: 3, name: 'Not Approved' },
];

export const DEMO_COMPANY_TYPES = [
  { id: I.typeClient, name: 'Client', defaultFlag: true },
  { id: 2, name: 'Prospect' },
  { id: 3, name: 'Partner' },
  { id: 4, name: 'Owner' },
  { id: 5, name: 'Lead' },
  { id: I.typeVendor, name: 'Vendor', vendorFlag: true },
];

export const DEMO_BILLING_CYCLES = [
  { id: 1, identifier: 'W', name: 'Weekly', billingOptions: 'Weekly' },
  { id: I.cycleMonthly, identifier: 'M', name: 'Monthly', billingOptions: 'Monthly', defaultFlag: true },
  { id: I.cycleQuarterly, identifier: 'Q', name: 'Quarterly', billingOptions: 'Quarterly' },
  { id: I.cycleYearly, identifier: 'Y', name: 'Yearly', billingOptions: 'Yearly' },
  { id: I.cycleOneTime, identifier: 'O', name: 'One Time', billingOptions: 'NotRecurring' },
];

export const DEMO_TAX_CODES = [
  {
    id: 1,
    identifier: 'TAX',
    description: 'Sales tax',
    invoiceCaption: 'Tax',
    effectiveDate: '2020-01-01',
    defaultFlag: true,
    levelOneRate: 8.5,
    levelOneRateType: 'Percent',
  },
  {
    id: 11,
    identifier: 'EXEMPT',
    description: 'Tax exempt',
    invoiceCaption: 'Exempt',
    effectiveDate: '2020-01-01',
  },
];

const agreementType = (id: number, name: string, cycle: number, prorateFlag: boolean, extra = {}) => ({
  id,
  name,
  billingCycle: { id: cycle },
  prorateFlag,
  employeeCompRate: 'Actual',
  employeeCompNotExceed: 'Billing',
  invoicingCycle: 'CalendarYear',
  billTime: 'Billable',
  billExpenses: 'Billable',
  billProducts: 'Billable',
  applicationUnits: 'Amount',
  applicationUnlimitedFlag: true,
  ...extra,
});

/** Managed Services prorates mid-period additions; Microsoft CSP does not (both settings occur in the demo). */
export const DEMO_AGREEMENT_TYPES = [
  agreementType(I.agreementManaged, 'Managed Services', I.cycleMonthly, true, { defaultFlag: true }),
  agreementType(I.agreementCsp, 'Microsoft CSP', I.cycleMonthly, false),
  agreementType(I.agreementBlockHours, 'Block Hours', I.cycleOneTime, false, {
    applicationUnits: 'Hours',
    applicationUnlimitedFlag: false,
    applicationLimit: 20,
  }),
  agreementType(I.agreementAnnual, 'Annual Licensing', I.cycleYearly, false),
  agreementType(10, 'Legacy Hosting', I.cycleMonthly, false, { inactiveFlag: true }),
];

export const DEMO_CATEGORIES = [
  { id: I.categoryMisc, name: 'Miscellaneous', defaultFlag: true },
  { id: I.categoryCloud, name: 'Cloud Services' },
  { id: 10, name: 'Hardware' },
  { id: 11, name: 'Services' },
];

export const DEMO_SUBCATEGORIES = [
  { id: I.subcategoryMisc, name: 'Miscellaneous', category: { id: I.categoryMisc }, defaultFlag: true },
  { id: I.subcategoryM365, name: 'Microsoft 365', category: { id: I.categoryCloud } },
  { id: 32, name: 'Azure', category: { id: I.categoryCloud } },
  { id: 33, name: 'Backup', category: { id: I.categoryCloud } },
  { id: 40, name: 'Workstations', category: { id: 10 } },
  { id: I.subcategoryManaged, name: 'Managed Services', category: { id: 11 } },
];

export const DEMO_PRODUCT_TYPES = [
  { id: I.typeMisc, name: 'Miscellaneous', typeXref: 'NonInventoryPart', defaultFlag: true },
  { id: I.typeService, name: 'Service', typeXref: 'Service' },
  { id: I.typeLicense, name: 'Software License', typeXref: 'NonInventoryPart' },
  { id: 5, name: 'Hardware', typeXref: 'InventoryPart' },
];

export const DEMO_MANUFACTURERS = [
  { id: I.manufacturerMicrosoft, name: 'Microsoft' },
  { id: 4, name: 'Dell' },
];

export const DEMO_UNITS = [
  { id: I.uomEach, name: 'Each', defaultFlag: true },
  { id: 2, name: 'Month' },
  { id: 3, name: 'User' },
];

const item = (id: number, identifier: string, description: string, extra: Record<string, unknown>) => ({
  id,
  identifier,
  description,
  customerDescription: description,
  productClass: 'Agreement',
  subcategory: { id: I.subcategoryManaged },
  type: { id: I.typeService },
  ...extra,
});

/**
 * Pre-existing catalog items. `CFQ7TTC0LH18:0001` was made by hand with billsync's identifier (the SKU code) but
 * no vendor SKU: an identifier collision. `M365-BPREM` carries the vendor SKU `CFQ7TTC0LCHC:0002`: an item
 * billsync links instead of creating one.
 */
export const DEMO_CATALOG = [
  item(I.itemWorkstation, 'MANAGED-WS', 'Managed Workstation', { price: 45, cost: 0 }),
  item(802, 'MANAGED-SRV', 'Managed Server', { price: 150, cost: 0 }),
  item(803, 'BACKUP-M365', 'Backup - Microsoft 365', {
    subcategory: { id: 33 },
    price: 4.5,
    cost: 2.1,
    vendor: { id: I.pax8 },
  }),
  item(I.itemCollision, 'CFQ7TTC0LH18:0001', 'Microsoft 365 Business Basic (created by hand)', {
    subcategory: { id: I.subcategoryM365 },
    type: { id: I.typeLicense },
    customerDescription: 'Microsoft 365 Business Basic',
    price: 6,
    cost: 5.4,
    manufacturer: { id: I.manufacturerMicrosoft },
    vendor: { id: I.microsoft },
  }),
  item(I.itemLinkable, 'M365-BPREM', 'Microsoft 365 Business Premium', {
    subcategory: { id: I.subcategoryM365 },
    type: { id: I.typeLicense },
    price: 26.4,
    cost: 22,
    manufacturer: { id: I.manufacturerMicrosoft },
    vendor: { id: I.microsoft },
    vendorSku: 'CFQ7TTC0LCHC:0002',
  }),
  item(I.itemInactive, 'LEGACY-EMAIL', 'Legacy Email Hosting', { price: 8, cost: 3, inactiveFlag: true }),
];
