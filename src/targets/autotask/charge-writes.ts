import { IntegrationError } from '../../core/integration-error';
import type { Applied, PlannedOperation, TargetContext } from '../../core/ports/target';
import { allSettledOrThrow } from '../../http';
import { findContractLine } from './apply';
import { toCharge } from './charges';
import type { AutotaskClient } from './client';
import { FIELDS, mapRow } from './mapping';
import { once, type Picklists } from './picklists';
import type { ProbeAnswer } from './probe';
import { eq } from './query';
import { fitText, sameMoney, toAutotaskDate, toJsonNumber, wireId } from './quirks';
import { chargeMarker, chargeUnits, MATERIAL_COST_USE_TYPE, parseChargeMarker } from './quirks-charges';

type BookCharge = Extract<PlannedOperation, { kind: 'book-charge' }>;

export const NO_MATERIAL_CODE =
  "Autotask has no active Material Cost Code for billsync's one-time charges (corrections of days it can no longer change, annual subscriptions): create one under Admin > Billing " +
  'Codes, or choose the charge code in the program settings';

/** The tenant's default code for charges: its lowest-id active Material Cost Code, looked up once per adapter. */
export interface ChargeCodes {
  defaultCode(ctx: TargetContext): Promise<number>;
}

export function createChargeCodes(client: AutotaskClient): ChargeCodes {
  return {
    // One BillingCodes query; none found is not cached (the user may create one and retry).
    defaultCode: once(async (ctx) => {
      const rows = await client.query(ctx, 'BillingCodes', {
        filter: [eq('useType', MATERIAL_COST_USE_TYPE), eq('isActive', true)],
        includeFields: ['useType', 'isActive'],
      });
      const ids = rows
        .filter((r) => r.useType === MATERIAL_COST_USE_TYPE && r.isActive === true)
        .map((r) => Number(r.id))
        .filter(Number.isInteger);
      if (ids.length === 0) {
        throw new IntegrationError({ kind: 'validation', vendor: 'autotask', message: NO_MATERIAL_CODE });
      }
      return Math.min(...ids);
    }),
  };
}

/**
 * book-charge -> POST /Contracts/{id}/Charges (the child route; the root URL answers 404, §8.1): one unit (-1 for
 * a credit) at |amount| / |cost| (quirks-charges.chargeUnits), chargeType Operational, billable, dated
 * `YYYY-MM-DD`, on the op's charge code or the tenant's default Material Cost Code, linked to the contract line
 * when there is one (the op's, else the lowest-id line of contract + service), and marked with billsync's marker
 * in internalPurchaseOrderNumber so probe and readState find it.
 */
export async function bookCharge(
  client: AutotaskClient,
  picklists: Picklists,
  codes: ChargeCodes,
  ctx: TargetContext,
  op: BookCharge,
): Promise<Applied> {
  const contractID = wireId(op.contractId, 'contract id');
  const units = chargeUnits(op.amount, op.cost);
  const marker = chargeMarker(op.productId, op.date, op.sequence);
  const unitPrice = toJsonNumber(units.unitPrice);
  const unitCost = toJsonNumber(units.unitCost);
  const [fields, billingCodeID, lineId] = await allSettledOrThrow([
    picklists.chargeFields(ctx),
    op.chargeCodeId !== undefined ? wireId(op.chargeCodeId, 'charge code id') : codes.defaultCode(ctx),
    op.contractLineId ?? findContractLine(client, ctx, op.contractId, op.productId),
  ]);
  const body = {
    contractID,
    name: fitText(op.name, fields.nameMax),
    description: fitText(op.description, fields.descriptionMax),
    datePurchased: toAutotaskDate(op.date),
    unitQuantity: units.unitQuantity,
    unitPrice,
    unitCost,
    chargeType: fields.operational,
    isBillableToCompany: true,
    billingCodeID,
    ...(lineId !== undefined ? { contractServiceID: wireId(lineId, 'contract line id') } : {}),
    internalPurchaseOrderNumber: marker,
  };
  const id = await client.create(ctx, `Contracts/${contractID}/Charges`, body);
  return { targetId: id === null ? undefined : String(id) };
}

/** Charge amounts are compared to 4 places (the precision assumed for Autotask money, quirks.sameMoney). */
const CHARGE_PLACES = 4;

/**
 * book-charge: the contract's charges carrying the op's marker. None -> absent; one whose amount and cost are the
 * op's -> landed (lowest id if several); otherwise a conflict: a charge with our marker but other amounts is
 * neither the state before nor after.
 */
export async function probeCharge(
  client: AutotaskClient,
  ctx: TargetContext,
  op: BookCharge,
): Promise<ProbeAnswer> {
  const marker = chargeMarker(op.productId, op.date, op.sequence);
  const rows = await client.query(ctx, 'ContractCharges', {
    filter: [
      eq('contractID', wireId(op.contractId, 'contract id')),
      eq('internalPurchaseOrderNumber', marker),
    ],
    includeFields: FIELDS.ContractCharges,
  });
  const want = parseChargeMarker(marker);
  const ours = rows
    .filter((r) => {
      const m = parseChargeMarker(r.internalPurchaseOrderNumber);
      return m?.serviceId === want?.serviceId && m?.month === want?.month && m?.sequence === want?.sequence;
    })
    .map((r) => mapRow('ContractCharges', r, toCharge));
  if (ours.length === 0) return 'absent';
  const landed = ours
    .filter((c) => sameMoney(c.amount, op.amount, CHARGE_PLACES) && sameMoney(c.cost, op.cost, CHARGE_PLACES))
    .map((c) => Number(c.id));
  if (landed.length > 0) return { targetId: String(Math.min(...landed)) };
  throw new IntegrationError({
    kind: 'conflict',
    vendor: 'autotask',
    message:
      `Contract ${op.contractId} has a charge marked ${marker} (id ${ours.map((c) => c.id).join(', ')}) of ` +
      `${ours.map((c) => `${c.amount} / ${c.cost}`).join(', ')}, not the ${op.amount} / ${op.cost} being booked.`,
  });
}
