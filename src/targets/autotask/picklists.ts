import { IntegrationError } from '../../core/integration-error';
import type { ProductPeriod, TargetContext } from '../../core/ports/target';
import type { AutotaskClient, FieldInfo } from './client';
import { COMPANY_TYPE_LABELS, PERIOD_LABELS } from './quirks';
import { CHARGE_DESCRIPTION_MAX, CHARGE_NAME_MAX, OPERATIONAL_CHARGE_LABEL } from './quirks-charges';

export interface CompanyTypes {
  customer: number;
  vendor: number;
}

export interface PeriodTypes {
  /** The tenant's value of each period we write. */
  toValue: Record<ProductPeriod, number>;
  /** Value -> period, for the ones we know (others are Quarterly / Semi-Annual). */
  fromValue: Map<number, ProductPeriod>;
}

/** What a contract charge needs from the tenant's ContractCharges metadata. */
export interface ChargeFields {
  /** chargeType "Operational". */
  operational: number;
  /** Lengths of `name` and `description` (the metadata's, else the SOAP-era 100 / 2000). */
  nameMax: number;
  descriptionMax: number;
}

/**
 * The tenant's picklist values, resolved once per adapter from `entityInformation/fields` by label: picklist
 * values are instance-specific, only labels are stable (§2.4; the notes disagree on Vendor's number, §4.1,
 * and Services.periodType's, §4.3).
 */
export interface Picklists {
  companyTypes(ctx: TargetContext): Promise<CompanyTypes>;
  periodTypes(ctx: TargetContext): Promise<PeriodTypes>;
  chargeFields(ctx: TargetContext): Promise<ChargeFields>;
}

function fieldLength(fields: readonly FieldInfo[], field: string, fallback: number): number {
  const length = fields.find((x) => x.name.toLowerCase() === field.toLowerCase())?.length;
  return typeof length === 'number' && Number.isInteger(length) && length > 0 ? length : fallback;
}

function picklistValue(fields: readonly FieldInfo[], entity: string, field: string, label: string): number {
  const f = fields.find((x) => x.name.toLowerCase() === field.toLowerCase());
  const hit = f?.picklistValues?.find((p) => p.label.trim().toLowerCase() === label.toLowerCase());
  const value = hit ? Number(hit.value) : Number.NaN;
  if (!Number.isInteger(value)) {
    throw new IntegrationError({
      kind: 'protocol',
      vendor: 'autotask',
      message: `${entity}.${field} has no picklist value labelled "${label}"`,
    });
  }
  return value;
}

/** A per-adapter cache of one async load; a failed load is not kept. */
export function once<T>(load: (ctx: TargetContext) => Promise<T>): (ctx: TargetContext) => Promise<T> {
  let cached: Promise<T> | undefined;
  return (ctx) => {
    const p = cached ?? load(ctx);
    cached = p;
    // A failed load is not kept: the next call asks again.
    p.catch(() => {
      if (cached === p) cached = undefined;
    });
    return p;
  };
}

export function createPicklists(client: AutotaskClient): Picklists {
  return {
    companyTypes: once(async (ctx) => {
      const fields = await client.fields(ctx, 'Companies');
      return {
        customer: picklistValue(fields, 'Companies', 'companyType', COMPANY_TYPE_LABELS.customer),
        vendor: picklistValue(fields, 'Companies', 'companyType', COMPANY_TYPE_LABELS.vendor),
      };
    }),
    periodTypes: once(async (ctx) => {
      const fields = await client.fields(ctx, 'Services');
      const monthly = picklistValue(fields, 'Services', 'periodType', PERIOD_LABELS.monthly);
      const yearly = picklistValue(fields, 'Services', 'periodType', PERIOD_LABELS.yearly);
      return {
        toValue: { monthly, yearly },
        fromValue: new Map<number, ProductPeriod>([
          [monthly, 'monthly'],
          [yearly, 'yearly'],
        ]),
      };
    }),
    chargeFields: once(async (ctx) => {
      const fields = await client.fields(ctx, 'ContractCharges');
      return {
        operational: picklistValue(fields, 'ContractCharges', 'chargeType', OPERATIONAL_CHARGE_LABEL),
        nameMax: fieldLength(fields, 'name', CHARGE_NAME_MAX),
        descriptionMax: fieldLength(fields, 'description', CHARGE_DESCRIPTION_MAX),
      };
    }),
  };
}
