import { IntegrationError } from '../../core/integration-error';
import { ZERO } from '../../core/money/decimal';
import type {
  TargetBillingCode,
  TargetCompany,
  TargetContract,
  TargetContractLine,
  TargetProduct,
  TargetUnitSegment,
} from '../../core/ports/target';
import type { Wire } from './client';
import type { CompanyTypes, PeriodTypes } from './picklists';
import {
  ACTIVE_CONTRACT_STATUS,
  FIXED_PRICE_CONTRACT_TYPE,
  fromAutotaskDate,
  fromOptionalDate,
  idText,
  jsonDecimal,
  RECURRING_SERVICE_CONTRACT_TYPE,
  RECURRING_SERVICE_USE_TYPE,
  segmentEnd,
} from './quirks';
import { MATERIAL_COST_USE_TYPE } from './quirks-charges';

/*
 * Autotask records -> the port's words: Companies -> companies, Contracts -> contracts, BillingCodes -> billing
 * codes, Services -> products, ContractServices -> contract lines, ContractServiceUnits -> unit segments.
 */

export const FIELDS = {
  Companies: ['companyName', 'companyType', 'isActive'],
  Contracts: ['companyID', 'contractName', 'contractType', 'status', 'startDate', 'endDate'],
  BillingCodes: ['name', 'useType', 'isActive'],
  Services: [
    'name',
    'description',
    'unitPrice',
    'unitCost',
    'periodType',
    'isActive',
    'billingCodeID',
    'vendorCompanyID',
  ],
  ContractServices: ['contractID', 'serviceID', 'unitPrice', 'unitCost'],
  ContractServiceUnits: [
    'contractID',
    'contractServiceID',
    'serviceID',
    'startDate',
    'endDate',
    'units',
    'price',
    'cost',
    'approveAndPostDate',
  ],
  ContractCharges: [
    'contractID',
    'contractServiceID',
    'name',
    'description',
    'datePurchased',
    'unitQuantity',
    'unitPrice',
    'unitCost',
    'isBilled',
    'internalPurchaseOrderNumber',
  ],
} as const;

export const text = (v: unknown) =>
  typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
export const optId = (v: unknown) => (v === null || v === undefined ? undefined : idText(v));

/** Runs a row mapper, turning bad data into a protocol error that names the record. */
export function mapRow<T>(entity: string, row: Wire, map: (row: Wire) => T): T {
  try {
    return map(row);
  } catch (error) {
    if (error instanceof IntegrationError) throw error;
    throw new IntegrationError({
      kind: 'protocol',
      vendor: 'autotask',
      message: `${entity} ${String(row.id)}: ${(error as Error).message}`,
    });
  }
}

export const toCompany =
  (types: CompanyTypes) =>
  (c: Wire): TargetCompany => ({
    id: idText(c.id),
    name: text(c.companyName),
    kind: c.companyType === types.customer ? 'customer' : c.companyType === types.vendor ? 'vendor' : 'other',
    active: c.isActive === true,
  });

export const toContract = (c: Wire): TargetContract => ({
  id: idText(c.id),
  companyId: idText(c.companyID),
  name: text(c.contractName),
  recurring: c.contractType === RECURRING_SERVICE_CONTRACT_TYPE,
  fixed: c.contractType === FIXED_PRICE_CONTRACT_TYPE,
  active: c.status === ACTIVE_CONTRACT_STATUS,
  startDate: fromAutotaskDate(c.startDate),
  endDate: fromOptionalDate(c.endDate),
});

/** useType 5 = Recurring Contract Service Code (services); an active useType 4 Material Cost Code (charges). */
export const toBillingCode = (b: Wire): TargetBillingCode => ({
  id: idText(b.id),
  name: text(b.name),
  recurringContractService: b.useType === RECURRING_SERVICE_USE_TYPE,
  chargeCode: b.useType === MATERIAL_COST_USE_TYPE && b.isActive === true,
  active: b.isActive === true,
});

/**
 * A Service as a product. Quarterly and Semi-Annual services (made by hand) read as 'monthly' because the
 * port knows only monthly/yearly; they are listed so name collisions still show. A unit cost hidden from an
 * API user without cost permission (§5 rule 12) reads as 0.
 */
export const toProduct =
  (periods: PeriodTypes) =>
  (s: Wire): TargetProduct => ({
    id: idText(s.id),
    name: text(s.name),
    description: text(s.description),
    unitPrice: jsonDecimal(s.unitPrice) ?? ZERO,
    unitCost: jsonDecimal(s.unitCost) ?? ZERO,
    period: periods.fromValue.get(Number(s.periodType)) ?? 'monthly',
    active: s.isActive === true,
    billingCodeId: optId(s.billingCodeID),
    vendorId: optId(s.vendorCompanyID),
  });

export const toContractLine = (cs: Wire): TargetContractLine => ({
  id: idText(cs.id),
  contractId: idText(cs.contractID),
  productId: idText(cs.serviceID),
  unitPrice: jsonDecimal(cs.unitPrice),
  unitCost: jsonDecimal(cs.unitCost),
});

/** One ContractServiceUnits row: inclusive endDate -> half-open end; `approveAndPostDate` set -> posted. */
export const toSegment = (u: Wire): TargetUnitSegment => ({
  contractLineId: idText(u.contractServiceID),
  contractId: idText(u.contractID),
  productId: idText(u.serviceID),
  start: fromAutotaskDate(u.startDate),
  end: segmentEnd(u.endDate),
  units: jsonDecimal(u.units) ?? ZERO,
  price: jsonDecimal(u.price),
  cost: jsonDecimal(u.cost),
  posted: u.approveAndPostDate !== null && u.approveAndPostDate !== undefined,
});

const byNumericId = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/** Stable order for deterministic snapshots. */
export function sortById<T extends { id: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => byNumericId(a.id, b.id));
}

export function sortSegments(rows: TargetUnitSegment[]): TargetUnitSegment[] {
  return rows.sort(
    (a, b) =>
      byNumericId(a.contractLineId, b.contractLineId) || (a.start < b.start ? -1 : a.start > b.start ? 1 : 0),
  );
}
