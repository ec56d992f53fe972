import { ruleError } from '../http/errors';
import { CONTRACT_TYPE_RECURRING } from '../metadata/picklists';
import { allocateId, type EmulatorCtx, type Row } from '../store/state';
import { applyAdjustedPrice, materializePrices } from '../units/row-prices';

/** The contract a contract service or adjustment may attach to: it must be a Recurring Service contract [DOC]. */
export function recurringContract(ctx: EmulatorCtx, contractId: unknown): Row {
  const contract = ctx.state.tables.Contracts.get(contractId as number);
  if (!contract) throw ruleError('Value does not reference an existing entity for contractID . ');
  if (contract.contractType !== CONTRACT_TYPE_RECURRING) {
    // The docs state the condition; this wording is the emulator's (UNVERIFIED).
    throw ruleError(
      'contractID must reference a Recurring Service type Contract (Contract.ContractType = 7).',
    );
  }
  return contract;
}

/** A service that may be put on a contract: inactive services are refused (UNVERIFIED; the UI lists only active ones). */
export function serviceForContract(ctx: EmulatorCtx, serviceId: unknown): Row {
  const service = ctx.state.tables.Services.get(serviceId as number);
  if (!service) throw ruleError('Value does not reference an existing entity for serviceID . ');
  if (service.isActive !== true && ctx.rules.inactiveServiceOnContract === 'reject') {
    throw ruleError('serviceID: An inactive Service cannot be added to a Contract.');
  }
  return service;
}

const clamp = (d: string, lo: string, hi: string) => (d < lo ? lo : d > hi ? hi : d);

/**
 * Inserts a contract service. Internal fields: `_startDate` (first day it bills: the adjustment's effective date
 * when an adjustment creates it, otherwise today clamped to the contract window, UNVERIFIED: the API has no
 * effective date on create) and `_basePrice`/`_baseCost` (price/cost before any adjustment: the given ones, else
 * the service's). Its unit rows come into existence now (their stored prices are the line's).
 */
export function insertContractService(
  ctx: EmulatorCtx,
  values: Record<string, unknown>,
  contract: Row,
  service: Row,
  startDate?: string,
): Row {
  const unitPrice =
    (values.unitPrice as number | null | undefined) ?? (service.unitPrice as number | null) ?? null;
  const unitCost =
    (values.unitCost as number | null | undefined) ?? (service.unitCost as number | null) ?? null;
  const row: Row = {
    invoiceDescription: null,
    internalDescription: null,
    quoteItemID: null,
    ...values,
    id: allocateId(ctx.state),
    contractID: contract.id,
    serviceID: service.id,
    unitPrice,
    unitCost,
    internalCurrencyUnitPrice: unitPrice,
    internalCurrencyAdjustedPrice: unitPrice,
    _startDate: startDate ?? clamp(ctx.clock.today(), String(contract.startDate), String(contract.endDate)),
    _basePrice: unitPrice,
    _baseCost: unitCost,
  };
  ctx.state.tables.ContractServices.set(row.id, row);
  materializePrices(ctx, row);
  return row;
}

/**
 * ContractServices on read: a line set to "Use Standard Invoice Description" (null here) returns the service's
 * own invoice description [DOC].
 */
export function contractServiceView(ctx: EmulatorCtx, cs: Row): Row {
  if (cs.invoiceDescription !== null && cs.invoiceDescription !== undefined) return cs;
  const service = ctx.state.tables.Services.get(cs.serviceID as number);
  return { ...cs, invoiceDescription: service?.invoiceDescription ?? null };
}

/**
 * Create values of a contract service: `adjustedPrice` (write-only) is the line's price when given, winning
 * over `unitPrice` (UNVERIFIED; a live sync sent it on create without errors).
 */
export function contractServiceCreateValues(values: Record<string, unknown>): Record<string, unknown> {
  const { adjustedPrice, ...rest } = values;
  return typeof adjustedPrice === 'number' ? { ...rest, unitPrice: adjustedPrice } : rest;
}

/**
 * A contract service update: only `adjustedPrice` and `invoiceDescription` are writable [DOC, §8.1] (the
 * metadata makes every other field read-only or create-only). `adjustedPrice` sets the line's price from
 * today's billing period (see applyAdjustedPrice) and is not kept as a field.
 */
export function applyContractServiceUpdate(ctx: EmulatorCtx, existing: Row, next: Row): void {
  const price = next.adjustedPrice;
  delete next.adjustedPrice;
  if (typeof price === 'number') applyAdjustedPrice(ctx, existing, next, price);
}
