import type { RefKind } from './types';

/**
 * Reference objects (§4.0): `CompanyReference` = id, identifier, name; `IvItemReference` (an addition's
 * product) = id, identifier, serializedFlag; `AgreementReference` = id, name, type, chargeFirmFlag; the setup
 * references = id, name. On write a reference is found by `id`, or by `identifier` (companies, catalog items) or
 * `name` (setup rows) when no id is sent.
 */
const named = (table: RefKind['table'], href: string): RefKind => ({
  table,
  shape: ['name'],
  lookupBy: ['name'],
  href,
});

export const REFS = {
  company: {
    table: 'companies',
    shape: ['identifier', 'name'],
    lookupBy: ['identifier'],
    href: 'company/companies',
  },
  contact: {
    table: 'contacts',
    shape: ['name'],
    lookupBy: [],
    href: 'company/contacts',
    display: (row) => ({ name: [row.firstName, row.lastName].filter((s) => s).join(' ') }),
  },
  companyStatus: named('companyStatuses', 'company/companies/statuses'),
  companyType: named('companyTypes', 'company/companies/types'),
  billingCycle: named('billingCycles', 'finance/billingCycles'),
  taxCode: {
    table: 'taxCodes',
    shape: ['name'],
    lookupBy: ['identifier'],
    href: 'finance/taxCodes',
    display: (row) => ({ name: row.identifier }),
  },
  agreementType: named('agreementTypes', 'finance/agreements/types'),
  agreement: {
    table: 'agreements',
    shape: ['name', 'type', 'chargeFirmFlag'],
    lookupBy: [],
    href: 'finance/agreements',
    display: (row, ctx) => ({
      name: row.name,
      type: ctx.state.tables.agreementTypes.get(row.type as number)?.name,
      chargeFirmFlag: row.chargeToFirm ?? false,
    }),
  },
  category: named('categories', 'procurement/categories'),
  subcategory: named('subcategories', 'procurement/subcategories'),
  productType: named('productTypes', 'procurement/types'),
  manufacturer: named('manufacturers', 'procurement/manufacturers'),
  unitOfMeasure: named('unitOfMeasures', 'procurement/unitOfMeasures'),
  catalogItem: {
    table: 'catalog',
    shape: ['identifier', 'serializedFlag'],
    lookupBy: ['identifier'],
    href: 'procurement/catalog',
  },
} as const satisfies Record<string, RefKind>;
