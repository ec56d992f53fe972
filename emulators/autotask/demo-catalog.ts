/** Fixed records of the demo tenant: credentials, resources, billing codes and pre-existing services. */

/** Demo credentials (README). */
export const DEMO_CREDENTIALS = {
  userName: 'api@demo.example',
  secret: 'demo-secret',
  integrationCode: 'DEMOINTEGRATIONCODE',
} as const;

export const DEMO_IDS = {
  apiResource: 29682885,
  owner: 29682886,
  microsoft: 29683300,
  codeManagedServices: 29682806,
  codeCloud: 29682807,
  codeLegacyInactive: 29682808,
  serviceWorkstation: 29683900,
  serviceCollision: 29683903,
  firstCompany: 29683400,
  firstContract: 29683600,
} as const;

const billingCode = (id: number, name: string, useType: number, isActive = true) => ({
  id,
  name,
  description: name,
  isActive,
  useType,
  billingCodeType: 0,
  unitCost: 0,
  unitPrice: 0,
  isExcludedFromNewContracts: false,
});

export const DEMO_RESOURCES = [
  {
    id: DEMO_IDS.apiResource,
    firstName: 'billsync',
    lastName: 'API User',
    userName: 'api@demo.example',
    email: 'api@demo.example',
    isActive: true,
    resourceType: 'Employee',
  },
  {
    id: DEMO_IDS.owner,
    firstName: 'Dana',
    lastName: 'Whitfield',
    userName: 'dwhitfield',
    email: 'dana@northbridge-it.example',
    isActive: true,
    resourceType: 'Employee',
    title: 'Account Manager',
  },
  {
    id: DEMO_IDS.owner + 1,
    firstName: 'Sam',
    lastName: 'Ortega',
    userName: 'sortega',
    email: 'sam@northbridge-it.example',
    isActive: false,
    resourceType: 'Employee',
    title: 'Technician',
  },
];

export const DEMO_BILLING_CODES = [
  billingCode(29682801, 'Remote Support', 1),
  billingCode(29682802, 'Onsite Support', 1),
  billingCode(29682803, 'Travel Expense', 2),
  billingCode(29682804, 'Internal Administration', 3),
  billingCode(29682805, 'Hardware', 4),
  billingCode(DEMO_IDS.codeManagedServices, 'Managed Services', 5),
  billingCode(DEMO_IDS.codeCloud, 'Cloud and SaaS', 5),
  billingCode(DEMO_IDS.codeLegacyInactive, 'Legacy Hosting', 5, false),
  billingCode(29682809, 'Project Milestone', 6),
  billingCode(29682810, 'Software Licenses', 7),
];

/** Pre-existing services; `PC_CFQ7TTC0LH18:0001` is named like a billsync service (a name collision). */
export const DEMO_SERVICES = [
  {
    id: DEMO_IDS.serviceWorkstation,
    name: 'Managed Workstation',
    description: 'Per-device monitoring, patching and support',
    invoiceDescription: 'Managed Workstation',
    unitPrice: 45,
    unitCost: 0,
    periodType: 2,
    billingCodeID: DEMO_IDS.codeManagedServices,
    isActive: true,
  },
  {
    id: DEMO_IDS.serviceWorkstation + 1,
    name: 'Managed Server',
    description: 'Per-server monitoring and patching',
    invoiceDescription: 'Managed Server',
    unitPrice: 150,
    unitCost: 0,
    periodType: 2,
    billingCodeID: DEMO_IDS.codeManagedServices,
    isActive: true,
  },
  {
    id: DEMO_IDS.serviceWorkstation + 2,
    name: 'Backup - Microsoft 365',
    description: 'Cloud backup per mailbox',
    invoiceDescription: 'Microsoft 365 Backup',
    unitPrice: 4.5,
    unitCost: 2.1,
    periodType: 2,
    billingCodeID: DEMO_IDS.codeCloud,
    vendorCompanyID: DEMO_IDS.microsoft + 1,
    isActive: true,
  },
  {
    id: DEMO_IDS.serviceCollision,
    name: 'PC_CFQ7TTC0LH18:0001',
    description: 'Microsoft 365 Business Basic (created by hand)',
    invoiceDescription: 'Microsoft 365 Business Basic',
    sku: 'CFQ7TTC0LH18:0001',
    unitPrice: 6,
    unitCost: 5.4,
    periodType: 2,
    billingCodeID: DEMO_IDS.codeCloud,
    vendorCompanyID: DEMO_IDS.microsoft,
    isActive: true,
  },
  {
    id: DEMO_IDS.serviceCollision + 1,
    name: 'Legacy Email Hosting',
    description: 'Retired hosted Exchange',
    unitPrice: 8,
    unitCost: 3,
    periodType: 2,
    billingCodeID: DEMO_IDS.codeLegacyInactive,
    isActive: false,
  },
];
