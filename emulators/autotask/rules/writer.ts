import { AutotaskError, IIS_404_HTML, methodNotAllowed, notFoundItem, ruleError } from '../http/errors';
import type { EntityMeta } from '../metadata/types';
import { allocateId, type EmulatorCtx, type Row, type StoredEntity } from '../store/state';
import { createAdjustment } from './adjustments';
import { chargeDeleteRule, chargeRules, stampCharge } from './contract-charges';
import {
  applyContractServiceUpdate,
  contractServiceCreateValues,
  insertContractService,
  recurringContract,
  serviceForContract,
} from './contract-services';
import { companyRules, contractRules, type EntityRule, serviceRules } from './entity-rules';
import { bodyId, prepareCreate, prepareUpdate, type WriteMode, withParentId } from './write-fields';

const RULES: Partial<Record<StoredEntity, EntityRule>> = {
  Companies: companyRules,
  Contracts: contractRules,
  Services: serviceRules,
  ContractCharges: chargeRules,
};

/** Checks before a DELETE (entities with canDelete only). */
const DELETE_RULES: Partial<Record<StoredEntity, (ctx: EmulatorCtx, row: Row) => void>> = {
  ContractCharges: chargeDeleteRule,
};

export interface WriteRequest {
  meta: EntityMeta;
  mode: WriteMode;
  body: Record<string, unknown>;
  /** Set when the URL is `/{Parent}/{parentId}/{Child}`. */
  parentId?: number;
  /** The acting resource: the API user, or ImpersonationResourceId. */
  actorResourceId: number;
  /** The HTTP method, for 405 answers. */
  method: string;
}

/** Audit fields each entity keeps (read-only on the wire). */
function stamp(ctx: EmulatorCtx, entity: string, row: Row, actor: number, existing?: Row) {
  const now = ctx.clock.now().toISOString();
  const created = existing === undefined;
  if (entity === 'ContractCharges') stampCharge(ctx, row, actor, existing);
  if (entity === 'Services') {
    if (created) Object.assign(row, { createDate: now, creatorResourceID: actor });
    Object.assign(row, { lastModifiedDate: now, updateResourceID: actor });
  } else if (entity === 'Companies') {
    if (created) Object.assign(row, { createDate: now, createdByResourceID: actor });
    Object.assign(row, { lastTrackedModifiedDateTime: now });
  } else if (entity === 'Contracts') {
    Object.assign(row, { lastModifiedDateTime: now });
  }
}

function createRow(ctx: EmulatorCtx, req: WriteRequest): number | null {
  const { meta, body } = req;
  if (meta.name === 'ContractServiceAdjustments') {
    const id = createAdjustment(ctx, body, req.parentId);
    return ctx.rules.adjustmentItemId === 'id' ? id : null;
  }
  const values = prepareCreate(ctx, meta, withParentId(meta, body, req.parentId));
  if (meta.name === 'ContractServices') {
    const contract = recurringContract(ctx, req.parentId);
    const service = serviceForContract(ctx, values.serviceID);
    return insertContractService(ctx, contractServiceCreateValues(values), contract, service).id;
  }
  RULES[meta.name as StoredEntity]?.(ctx, values);
  const row: Row = { ...values, id: allocateId(ctx.state), userDefinedFields: udfs(body) ?? [] };
  stamp(ctx, meta.name, row, req.actorResourceId);
  ctx.state.tables[meta.name as StoredEntity].set(row.id, row);
  return row.id;
}

function updateRow(ctx: EmulatorCtx, req: WriteRequest): number {
  const { meta, body } = req;
  const id = bodyId(body);
  if (id === undefined) throw ruleError('id: An id is required to update an entity.');
  const existing = ctx.state.tables[meta.name as StoredEntity].get(id);
  if (!existing || (req.parentId !== undefined && existing.contractID !== req.parentId)) throw notFoundItem();
  const next = prepareUpdate(ctx, meta, body, existing, req.mode as 'patch' | 'put');
  RULES[meta.name as StoredEntity]?.(ctx, next, existing);
  if (meta.name === 'ContractServices') applyContractServiceUpdate(ctx, existing, next);
  const given = udfs(body);
  if (given) next.userDefinedFields = given;
  stamp(ctx, meta.name, next, req.actorResourceId, existing);
  ctx.state.tables[meta.name as StoredEntity].set(id, next);
  return id;
}

/** `userDefinedFields` of a body: `[{name, value}]`, values kept as strings (UDF values are strings). */
function udfs(body: Record<string, unknown>): Array<{ name: string; value: string | null }> | undefined {
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'userdefinedfields');
  const raw = key === undefined ? undefined : body[key];
  if (!Array.isArray(raw)) return undefined;
  return raw
    .filter((u): u is { name: string; value?: unknown } => typeof u?.name === 'string')
    .map((u) => ({
      name: u.name,
      value: u.value === null || u.value === undefined ? null : String(u.value),
    }));
}

/**
 * Create (POST) or update (PATCH/PUT) through the entity's root URL or its parent URL, only where the real
 * API allows it; anything else is 405.
 */
export function executeWrite(ctx: EmulatorCtx, req: WriteRequest): { itemId: number | null } {
  const { meta, mode } = req;
  const viaParent = req.parentId !== undefined;
  const allowedHere = meta.child ? viaParent || (mode === 'create' && meta.rootCreate === true) : !viaParent;
  const allowedVerb = mode === 'create' ? meta.canCreate : meta.canUpdate;
  // A child created at its root URL: 404 where documented (notes §8.1), else 405.
  if (!allowedHere && meta.rootWriteStatus === 404) throw new AutotaskError(404, IIS_404_HTML);
  if (!allowedHere || !allowedVerb) throw methodNotAllowed(req.method);
  return { itemId: mode === 'create' ? createRow(ctx, req) : updateRow(ctx, req) };
}

/**
 * DELETE `/{Parent}/{parentId}/{Child}/{id}`: only entities with canDelete, only through the parent URL
 * (ContractCharges, notes §3.2); unknown ids (or another parent's) 404; the entity's rules may refuse (500).
 */
export function executeDelete(
  ctx: EmulatorCtx,
  req: { meta: EntityMeta; parentId?: number; id: number; method: string },
): { itemId: number } {
  const { meta } = req;
  const parentField = meta.child?.parentField;
  if (!meta.canDelete || req.parentId === undefined || !parentField) throw methodNotAllowed(req.method);
  const table = ctx.state.tables[meta.name as StoredEntity];
  const row = table.get(req.id);
  if (!row || row[parentField] !== req.parentId) throw notFoundItem();
  DELETE_RULES[meta.name as StoredEntity]?.(ctx, row);
  table.delete(req.id);
  return { itemId: req.id };
}
