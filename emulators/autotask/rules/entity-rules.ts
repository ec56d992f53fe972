import { MESSAGES, ruleError } from '../http/errors';
import {
  COMPANY_TYPE_VENDOR,
  CONTRACT_TYPE_RECURRING,
  USE_TYPE_RECURRING_SERVICE,
} from '../metadata/picklists';
import type { EmulatorCtx, Row } from '../store/state';
import { round2 } from './money';

/** Entity-specific checks run after the generic field checks; `existing` is absent on create. */
export type EntityRule = (ctx: EmulatorCtx, next: Record<string, unknown>, existing?: Row) => void;

const isApiUser = (ctx: EmulatorCtx, resourceId: unknown) =>
  ctx.state.apiUsers.some((u) => u.resourceId === resourceId);

export const companyRules: EntityRule = (ctx, next, existing) => {
  if (!existing || next.ownerResourceID !== existing.ownerResourceID) {
    // "must be an active resource, and cannot be an API-only user" [DOC]; wording is the emulator's.
    const owner = ctx.state.tables.Resources.get(next.ownerResourceID as number);
    if (owner?.isActive !== true || isApiUser(ctx, owner.id)) {
      throw ruleError('ownerResourceID: The owner must be an active resource that is not an API-only user.');
    }
  }
  if (existing && existing.companyType === COMPANY_TYPE_VENDOR && next.companyType !== COMPANY_TYPE_VENDOR) {
    const used = [...ctx.state.tables.Services.values()].some((s) => s.vendorCompanyID === existing.id);
    // [DOC SOAP Account] text.
    if (used)
      throw ruleError(
        'AccountType cannot be changed from Vendor if the account is associated with any existing services.',
      );
  }
};

/** Latest end / earliest start of approved-and-posted periods of a contract's services. */
export function postedBounds(ctx: EmulatorCtx, contractId: number) {
  let maxEnd: string | undefined;
  let minStart: string | undefined;
  for (const p of ctx.state.posted.values()) {
    const cs = ctx.state.tables.ContractServices.get(p.contractServiceId);
    if (cs?.contractID !== contractId) continue;
    if (maxEnd === undefined || p.endDate > maxEnd) maxEnd = p.endDate;
    if (minStart === undefined || p.startDate < minStart) minStart = p.startDate;
  }
  return { maxEnd, minStart };
}

export const contractRules: EntityRule = (ctx, next, existing) => {
  if (String(next.endDate) < String(next.startDate)) {
    throw ruleError('endDate: The contract end date must be on or after the start date.');
  }
  // Probably required for Recurring Service contracts (UNVERIFIED); it decides the billing periods.
  if (next.contractType === CONTRACT_TYPE_RECURRING && (next.contractPeriodType ?? null) === null) {
    throw ruleError(MESSAGES.badReference('contractPeriodType'));
  }
  if (existing) {
    const { maxEnd, minStart } = postedBounds(ctx, existing.id);
    // Moving the end into a posted period needs an un-post first [DOC KB370000000540].
    if (maxEnd !== undefined && String(next.endDate) < maxEnd) throw ruleError(MESSAGES.postedPeriod);
    if (minStart !== undefined && String(next.startDate) > minStart) throw ruleError(MESSAGES.postedPeriod);
  }
};

/** SQL Server's default collation: case-insensitive, trailing spaces ignored. */
export const nameKey = (name: unknown) =>
  String(name ?? '')
    .replace(/\s+$/, '')
    .toLowerCase();

const MAX_UNIT_COST = 99_999_999_999.99;

export const serviceRules: EntityRule = (ctx, next, existing) => {
  if (!existing || nameKey(next.name) !== nameKey(existing.name)) {
    const clash = [...ctx.state.tables.Services.values()].find(
      (s) => s.id !== existing?.id && nameKey(s.name) === nameKey(next.name),
    );
    if (clash) throw ruleError(MESSAGES.duplicateServiceName(String(next.name)));
  }
  // billingCodeID cannot be *set* to an inactive or non-recurring code; a service already tied to a
  // now-inactive code may still be updated passing it unchanged [DOC]. Message form UNVERIFIED.
  if (!existing || next.billingCodeID !== existing.billingCodeID) {
    const code = ctx.state.tables.BillingCodes.get(next.billingCodeID as number);
    if (code?.isActive !== true || code.useType !== USE_TYPE_RECURRING_SERVICE) {
      throw ruleError(MESSAGES.badReference('billingCodeID'));
    }
  }
  // "unit cost between 0 and 99,999,999,999.99" (§8.1); the wording is the emulator's.
  const cost = next.unitCost as number | null;
  if (typeof cost === 'number' && (cost < 0 || cost > MAX_UNIT_COST)) {
    throw ruleError('unitCost: The unit cost must be between 0 and 99,999,999,999.99.');
  }
  // Computed, read-only: markup over cost in percent (null without a positive cost).
  const price = next.unitPrice as number | null;
  next.markupRate =
    typeof price === 'number' && typeof cost === 'number' && cost > 0
      ? round2(((price - cost) / cost) * 100)
      : null;
};
