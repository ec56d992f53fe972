import type { TableName } from '../store/state';
import { additions } from './additions';
import { agreements } from './agreements';
import { catalog } from './catalog';
import { companies, companyStatuses, companyTypes, contacts } from './companies';
import { agreementTypes, billingCycles, taxCodes } from './finance-setup';
import { categories, manufacturers, productTypes, subcategories, unitOfMeasures } from './procurement-setup';
import type { FieldDef, ResourceDef } from './types';

/** Every resource of the emulated surface (§4.1 subset the sync uses, plus the tables their references need). */
export const RESOURCES: readonly ResourceDef[] = [
  companies,
  companyTypes,
  companyStatuses,
  contacts,
  agreements,
  agreementTypes,
  additions,
  billingCycles,
  taxCodes,
  catalog,
  categories,
  subcategories,
  productTypes,
  manufacturers,
  unitOfMeasures,
];

const BY_KEY = new Map(RESOURCES.map((r) => [r.key, r]));

export function resourceOf(table: TableName): ResourceDef {
  const r = BY_KEY.get(table);
  if (!r) throw new Error(`no resource for table ${table}`);
  return r;
}

/** A field by name in any letter case (condition paths and POST bodies are case-insensitive, §2.2). */
export function findField(resource: ResourceDef, name: string): FieldDef | undefined {
  const lower = name.toLowerCase();
  return resource.fields.find((f) => f.name.toLowerCase() === lower);
}

/** Fields of the model version a request is pinned to (fields newer than it are left out, §1.5). */
export function visibleFields(resource: ResourceDef, version: number): FieldDef[] {
  return resource.fields.filter((f) => f.since === undefined || f.since <= version);
}
