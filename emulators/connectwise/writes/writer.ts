import { badRequest, invalidObject } from '../http/errors';
import { findField } from '../schema/registry';
import type { FieldDef, FieldError, ResourceDef, WriteContext, WriteMode } from '../schema/types';
import { formatInstant } from '../store/dates';
import { allocateId, type EmulatorCtx, type Row } from '../store/state';
import { coerce } from './coerce';
import { parsePatchBody, stepOf } from './patch';

export interface WriteOptions {
  /** The API member's identifier, for `_info.updatedBy` / `enteredBy`. */
  actor: string;
  parentId?: number;
  /** Seeds only: keep this id. */
  id?: number;
}

const isEmpty = (v: unknown) =>
  v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

function blankRow(resource: ResourceDef): Row {
  const row = { id: 0 } as Row;
  for (const f of resource.fields) {
    if (f.name === 'id') continue;
    row[f.name] = f.defaultValue ?? (f.type === 'refs' || f.type === 'custom' ? [] : null);
  }
  return row;
}

function setField(ctx: EmulatorCtx, row: Row, f: FieldDef, raw: unknown, errors: FieldError[]) {
  const c = coerce(ctx, f, raw);
  if (c.ok) row[f.name] = c.value;
  else errors.push(c.error);
}

/** POST/PUT body keys onto the row: any letter case (Json.NET), unknown and read-only keys ignored. */
function applyBody(ctx: EmulatorCtx, resource: ResourceDef, row: Row, body: unknown, mode: WriteMode) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object.');
  }
  const errors: FieldError[] = [];
  const sent = new Set<string>();
  for (const [key, raw] of Object.entries(body)) {
    const f = findField(resource, key);
    if (!f || f.readOnly || f.name === 'id' || (f.createOnly && mode !== 'create')) continue;
    sent.add(f.name);
    setField(ctx, row, f, raw, errors);
  }
  return { errors, sent };
}

/** Required fields, lengths and ranges (DataAnnotations wording), then the resource's own rules. */
function check(resource: ResourceDef, row: Row, w: WriteContext): void {
  const errors: FieldError[] = [];
  for (const f of resource.fields) {
    const v = row[f.name];
    if ((f.required || (w.mode === 'put' && f.requiredOnPut && !w.sent.has(f.name))) && isEmpty(v)) {
      errors.push({
        code: 'MissingRequiredField',
        message: `The ${f.name} field is required.`,
        field: f.name,
      });
    }
    if (f.maxLength !== undefined && typeof v === 'string' && v.length > f.maxLength) {
      errors.push({
        code: 'OutOfRange',
        message: `The field ${f.name} must be a string with a maximum length of ${f.maxLength}.`,
        field: f.name,
      });
    }
    if (f.range && typeof v === 'number' && (v < f.range[0] || v > f.range[1])) {
      errors.push({
        code: 'OutOfRange',
        message: `The field ${f.name} must be between ${f.range[0]} and ${f.range[1]}.`,
        field: f.name,
      });
    }
  }
  if (errors.length === 0 && resource.validate) errors.push(...resource.validate(row, w));
  if (errors.length > 0) throw invalidObject(resource.resourceName, errors);
}

/** Field errors first (defaults and rules assume well-typed values), then server defaults, then the checks. */
function validate(resource: ResourceDef, row: Row, w: WriteContext, errors: FieldError[]): void {
  if (errors.length > 0) throw invalidObject(resource.resourceName, errors);
  resource.prepare?.(row, w);
  check(resource, row, w);
}

function touch(ctx: EmulatorCtx, row: Row, actor: string): void {
  const now = formatInstant(ctx.clock.nowMs());
  row._meta = { ...row._meta, lastUpdated: now, updatedBy: actor };
}

/** POST: a new row from the body, server defaults, validation; 201 with the entity (§3.2). */
export function createRow(ctx: EmulatorCtx, resource: ResourceDef, body: unknown, o: WriteOptions): Row {
  const row = blankRow(resource);
  const { errors, sent } = applyBody(ctx, resource, row, body, 'create');
  const now = formatInstant(ctx.clock.nowMs());
  row._meta = { dateEntered: now, enteredBy: o.actor, lastUpdated: now, updatedBy: o.actor };
  const parent = o.parentId !== undefined ? { parentId: o.parentId } : {};
  const next = ctx.state.nextIds;
  // The id is taken only once the write passes, so a refused POST leaves no gap.
  row.id = o.id ?? next[resource.key];
  validate(resource, row, { ctx, mode: 'create', sent, ...parent }, errors);
  if (o.id === undefined) allocateId(ctx.state, resource.key);
  else if (o.id >= next[resource.key]) next[resource.key] = o.id + 1;
  ctx.state.tables[resource.key].set(row.id, row);
  return row;
}

/** PUT: full replacement; left-out fields go back to their defaults; "Required On Updates" must be sent (§3.3). */
export function putRow(
  ctx: EmulatorCtx,
  resource: ResourceDef,
  before: Row,
  body: unknown,
  actor: string,
): Row {
  const row = blankRow(resource);
  for (const f of resource.fields) if (f.readOnly || f.createOnly) row[f.name] = before[f.name];
  row.id = before.id;
  row._meta = before._meta;
  const { errors, sent } = applyBody(ctx, resource, row, body, 'put');
  touch(ctx, row, actor);
  validate(resource, row, { ctx, mode: 'put', before, sent }, errors);
  ctx.state.tables[resource.key].set(row.id, row);
  return row;
}

/** PATCH: the operations in order on a copy, then the whole row is validated; 200 with the entity (§3.4). */
export function patchRow(
  ctx: EmulatorCtx,
  resource: ResourceDef,
  before: Row,
  body: unknown,
  actor: string,
): Row {
  const ops = parsePatchBody(body);
  const row: Row = { ...before };
  const errors: FieldError[] = [];
  const sent = new Set<string>();
  for (const op of ops) {
    const step = stepOf(resource, op, ctx.rules);
    if (step.kind === 'error') errors.push(step.error);
    if (step.kind !== 'set') continue;
    sent.add(step.field.name);
    setField(ctx, row, step.field, step.value, errors);
  }
  touch(ctx, row, actor);
  validate(resource, row, { ctx, mode: 'patch', before, sent }, errors);
  ctx.state.tables[resource.key].set(row.id, row);
  return row;
}

/** DELETE: 204; a resource may refuse (409) or keep the row soft-deleted. */
export function deleteRow(ctx: EmulatorCtx, resource: ResourceDef, row: Row, actor: string): void {
  const keep = resource.onDelete?.(ctx, row, actor);
  if (keep) touch(ctx, row, actor);
  else ctx.state.tables[resource.key].delete(row.id);
}
