import { MESSAGES, ruleError } from '../http/errors';
import { findField } from '../metadata/registry';
import type { EntityMeta, FieldMeta } from '../metadata/types';
import type { EmulatorCtx, Row, StoredEntity } from '../store/state';
import { coerceValue } from '../store/values';

export type WriteMode = 'create' | 'patch' | 'put';

/** Body keys matched case-insensitively to fields. Unknown properties are ignored (UNVERIFIED, as observed). */
export function bodyFields(meta: EntityMeta, body: Record<string, unknown>): Map<FieldMeta, unknown> {
  const out = new Map<FieldMeta, unknown>();
  for (const [key, value] of Object.entries(body)) {
    const f = findField(meta, key);
    if (f && f.name !== 'id') out.set(f, value);
  }
  return out;
}

/** The `id` of an update body (any case), as a number. */
export function bodyId(body: Record<string, unknown>): number | undefined {
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'id');
  const raw = key === undefined ? undefined : body[key];
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
  return Number.isInteger(n) ? n : undefined;
}

function checkDomain(ctx: EmulatorCtx, f: FieldMeta, value: unknown) {
  if (value === null) return;
  if (f.picklist && !f.picklist.some((p) => p.value === String(value) && p.isActive !== false)) {
    throw ruleError(MESSAGES.badReference(f.name));
  }
  if (f.reference && !ctx.state.tables[f.reference as StoredEntity]?.has(value as number)) {
    throw ruleError(MESSAGES.badReference(f.name));
  }
}

function checkRequired(meta: EntityMeta, row: Record<string, unknown>) {
  for (const f of meta.fields) {
    if (!f.isRequired || f.access === 'ro') continue;
    const v = row[f.name];
    if (v === null || v === undefined || v === '') {
      throw ruleError(
        f.picklist || f.reference ? MESSAGES.badReference(f.name) : `${f.name}: Field is required.`,
      );
    }
  }
}

/**
 * A child's create body with its parent id: the parent URL supplies the parent field (e.g. contractID) when the
 * body leaves it out; a body naming another parent is a 500.
 */
export function withParentId(
  meta: EntityMeta,
  body: Record<string, unknown>,
  parentId: number | undefined,
): Record<string, unknown> {
  const field = meta.child?.parentField;
  if (!field || parentId === undefined) return body;
  const key = Object.keys(body).find((k) => k.toLowerCase() === field.toLowerCase() && body[k] != null);
  if (key === undefined) return { ...body, [field]: parentId };
  const given = body[key];
  if (given !== parentId && String(given) !== String(parentId)) {
    throw ruleError(
      `${field}: The ${field} does not match the parent ${meta.child?.parent.replace(/s$/, '')} of this URL.`,
    );
  }
  return body;
}

/** Values of a new record: writable and create-only fields from the body, defaults, required check. */
export function prepareCreate(
  ctx: EmulatorCtx,
  meta: EntityMeta,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const f of meta.fields) {
    if (f.access !== 'ro' && f.defaultValue !== undefined) row[f.name] = f.defaultValue;
  }
  // Read-only fields are ignored on create [DOC SOAP create considerations].
  for (const [f, raw] of bodyFields(meta, body)) {
    if (f.access === 'ro') continue;
    const value = coerceValue(f, raw);
    checkDomain(ctx, f, value);
    row[f.name] = value;
  }
  checkRequired(meta, row);
  return row;
}

/**
 * The record after a PATCH (only given fields change) or PUT (writable fields left out become null [DOC]).
 * Read-only fields are ignored; create-only fields may be repeated unchanged, and a change is an error or
 * ignored per `rules.createOnlyChange` (UNVERIFIED).
 */
export function prepareUpdate(
  ctx: EmulatorCtx,
  meta: EntityMeta,
  body: Record<string, unknown>,
  existing: Row,
  mode: Exclude<WriteMode, 'create'>,
): Row {
  const next: Row = { ...existing };
  const given = bodyFields(meta, body);
  if (mode === 'put') {
    for (const f of meta.fields) {
      // Booleans cannot be null in Autotask; a left-out boolean falls back to its default (or false).
      if (f.access === 'rw' && !f.writeOnly && !given.has(f))
        next[f.name] = f.dataType === 'boolean' ? (f.defaultValue ?? false) : null;
    }
  }
  for (const [f, raw] of given) {
    if (f.access === 'ro') continue;
    const value = coerceValue(f, raw);
    if (f.access === 'create') {
      if (value === existing[f.name] || value === null) continue;
      if (ctx.rules.createOnlyChange === 'ignore') continue;
      throw ruleError(
        `${f.name}: The field is read-only and cannot be changed after the ${meta.name} entity is created.`,
      );
    }
    checkDomain(ctx, f, value);
    next[f.name] = value;
  }
  checkRequired(meta, next);
  return next;
}
