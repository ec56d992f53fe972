import { IntegrationError } from '../../core/integration-error';
import type { Applied, PlannedOperation, TargetContext } from '../../core/ports/target';
import type { AutotaskClient } from './client';
import type { Picklists } from './picklists';
import { eq } from './query';
import { fitText, SERVICE_DESCRIPTION_MAX, toAutotaskDate, toJsonNumber, wireId } from './quirks';

type Op<K extends PlannedOperation['kind']> = Extract<PlannedOperation, { kind: K }>;

/**
 * create-product -> POST /Services (§6.7): name, description, unitPrice, unitCost, billingCodeID,
 * vendorCompanyID (when given), periodType (the tenant's Monthly/Yearly value), isActive true.
 */
export async function createProduct(
  client: AutotaskClient,
  picklists: Picklists,
  ctx: TargetContext,
  op: Op<'create-product'>,
): Promise<Applied> {
  // The planner asks for a billing code before it plans a create (Autotask: a Service needs one).
  if (op.billingCodeId === undefined)
    throw new IntegrationError({
      kind: 'validation',
      vendor: 'autotask',
      message: 'No billing code is set in the program settings: choose one, then sync again',
    });
  const periods = await picklists.periodTypes(ctx);
  const body = {
    name: op.name,
    description: fitText(op.description, SERVICE_DESCRIPTION_MAX),
    unitPrice: toJsonNumber(op.unitPrice),
    unitCost: toJsonNumber(op.unitCost),
    billingCodeID: wireId(op.billingCodeId, 'billing code id'),
    ...(op.vendorId !== undefined ? { vendorCompanyID: wireId(op.vendorId, 'vendor id') } : {}),
    periodType: periods.toValue[op.period],
    isActive: true,
  };
  const id = await client.create(ctx, 'Services', body);
  return { targetId: id === null ? undefined : String(id) };
}

/** update-product-price -> PATCH /Services {id, unitPrice, unitCost} (§6.8): nothing else changes. */
export async function updateProductPrice(
  client: AutotaskClient,
  ctx: TargetContext,
  op: Op<'update-product-price'>,
): Promise<Applied> {
  const id = wireId(op.productId, 'product id');
  await client.update(ctx, 'Services', {
    id,
    unitPrice: toJsonNumber(op.unitPrice),
    unitCost: toJsonNumber(op.unitCost),
  });
  return { targetId: op.productId };
}

/** The body of a ContractServiceAdjustment (§4.5, §6.15). */
export function adjustmentBody(op: Op<'adjust-contract-line'>): Record<string, unknown> {
  const unitChange = toJsonNumber(op.unitChange);
  if (!Number.isInteger(unitChange))
    throw new RangeError(`unitChange must be whole units, not ${unitChange}`);
  return {
    contractID: wireId(op.contractId, 'contract id'),
    serviceID: wireId(op.productId, 'product id'),
    ...(op.contractLineId !== undefined
      ? { contractServiceID: wireId(op.contractLineId, 'contract line id') }
      : {}),
    effectiveDate: toAutotaskDate(op.effectiveDate),
    unitChange,
    ...(op.unitPrice !== undefined ? { adjustedUnitPrice: toJsonNumber(op.unitPrice) } : {}),
    ...(op.unitCost !== undefined ? { adjustedUnitCost: toJsonNumber(op.unitCost) } : {}),
    // Adjust the existing line; never start a second line of the same service (§4.5).
    allowRepeatService: false,
  };
}

/**
 * adjust-contract-line -> POST /Contracts/{id}/ServiceAdjustments (the child route, §3.2). Autotask answers
 * `{"itemId":null}` (§3.3) and creates the contract service when it is missing (§5 rule 4). A new line's id is
 * not looked up here (that was one ContractServices read per write, issue 14): the landed write answers "id
 * unknown" and the engine links the line from its batched read after writing (readState, `contractID in [...]`).
 */
export async function adjustContractLine(
  client: AutotaskClient,
  ctx: TargetContext,
  op: Op<'adjust-contract-line'>,
): Promise<Applied> {
  const body = adjustmentBody(op);
  try {
    await client.create(ctx, `Contracts/${body.contractID}/ServiceAdjustments`, body);
  } catch (error) {
    throw serviceRefusalInWords(error, op);
  }
  return { targetId: op.contractLineId };
}

/**
 * Two refusals of a new contract line that say nothing of what to do (spec section 4, R-3): a service the MSP set
 * inactive (Autotask adds none to a contract; billsync keeps it inactive) and a service deleted in Autotask since
 * the last product sync (its link points at nothing). Anything else goes through as it came.
 */
function serviceRefusalInWords(error: unknown, op: Op<'adjust-contract-line'>): unknown {
  if (!(error instanceof IntegrationError)) return error;
  const said = error.message.replace(/[.\s]+$/, '');
  const offer = op.offerKey.split('|').slice(0, 2).join(':');
  if (/inactive service cannot be added/i.test(error.message))
    return new IntegrationError({
      kind: 'validation',
      vendor: 'autotask',
      message: `The Autotask service of ${offer} is inactive, and Autotask adds no inactive service to a contract (Autotask: ${said}). Activate it in Autotask (billsync keeps its price and cost in step but never activates it), then sync again`,
    });
  if (/does not reference an existing entity for serviceID/i.test(error.message))
    return new IntegrationError({
      kind: 'validation',
      vendor: 'autotask',
      message: `The Autotask service of ${offer} no longer exists: it was deleted in Autotask (Autotask: ${said}). Run the product sync (it re-creates the service), then sync again`,
    });
  return error;
}

/** The contract service an adjustment without contractServiceID lands on: the first line of that service. */
export async function findContractLine(
  client: AutotaskClient,
  ctx: TargetContext,
  contractId: string,
  productId: string,
): Promise<string | undefined> {
  const rows = await client.query(ctx, 'ContractServices', {
    filter: [
      eq('contractID', wireId(contractId, 'contract id')),
      eq('serviceID', wireId(productId, 'product id')),
    ],
    includeFields: ['id'],
  });
  const ids = rows.map((r) => Number(r.id)).filter(Number.isInteger);
  return ids.length === 0 ? undefined : String(Math.min(...ids));
}
