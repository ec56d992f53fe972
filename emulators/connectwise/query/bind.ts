import { CONDITION_RULES } from '../http/errors';
import { findField } from '../schema/registry';
import type { FieldDef, RefKind, ResourceDef } from '../schema/types';
import type { EmulatorCtx, Row } from '../store/state';
import { ConditionError, type Literal } from './lexer';
import type { Comparison } from './parser';

/** The kind of value a path reads, named as the server's error text names them. */
export type ValueKind = 'string' | 'numeric' | 'boolean' | 'datetime' | 'any';

/** Reads a path's value(s) from a row: several for a path through an array (childConditions). */
export interface Accessor {
  kind: ValueKind;
  get(row: Row): unknown;
  many?: boolean;
  /** A bare reference (`company = null`): only null comparisons make sense. */
  bareRef?: boolean;
}

export type Scope = 'conditions' | 'childConditions' | 'customFieldConditions';

const FIELD_KIND: Record<FieldDef['type'], ValueKind> = {
  int: 'numeric',
  number: 'numeric',
  string: 'string',
  enum: 'string',
  boolean: 'boolean',
  date: 'datetime',
  datetime: 'datetime',
  ref: 'numeric',
  refs: 'numeric',
  custom: 'any',
};

const META: Record<string, ['lastUpdated' | 'dateEntered' | 'updatedBy' | 'enteredBy', ValueKind]> = {
  lastupdated: ['lastUpdated', 'datetime'],
  dateentered: ['dateEntered', 'datetime'],
  updatedby: ['updatedBy', 'string'],
  enteredby: ['enteredBy', 'string'],
};

/** Custom field entries (customFieldConditions): `caption="X" AND value != null` [DOC]. */
const CUSTOM_FIELDS: Record<string, ValueKind> = {
  id: 'numeric',
  caption: 'string',
  type: 'string',
  entrymethod: 'string',
  numberofdecimals: 'numeric',
  value: 'any',
};

function unknownField(path: string[], scope: Scope): ConditionError {
  return new ConditionError(`${path.join('/')} is not a valid field for ${scope}.`);
}

/** A sub-field of a reference object: `id` or one of its display fields (company/identifier, type/name...). */
function refAccessor(ctx: EmulatorCtx, kind: RefKind, sub: string, path: string[], scope: Scope) {
  const lower = sub.toLowerCase();
  if (lower === 'id') return { kind: 'numeric' as const, read: (id: unknown) => id };
  const key = kind.shape.find((s) => s.toLowerCase() === lower);
  if (!key) throw unknownField(path, scope);
  const read = (id: unknown) => {
    const target =
      id === null || id === undefined ? undefined : ctx.state.tables[kind.table].get(id as number);
    if (!target) return null;
    const shown = kind.display ? { ...target, ...kind.display(target, ctx) } : target;
    return shown[key] ?? null;
  };
  const valueKind: ValueKind = key.endsWith('Flag') ? 'boolean' : 'string';
  return { kind: valueKind, read };
}

/** Resolves a comparison's path on a resource for the given parameter, or throws a 400 ConditionError. */
export function bindPath(ctx: EmulatorCtx, resource: ResourceDef, path: string[], scope: Scope): Accessor {
  const [head = '', ...rest] = path;
  if (scope === 'customFieldConditions') {
    const kind = CUSTOM_FIELDS[head.toLowerCase()];
    if (!kind || rest.length > 0) throw unknownField(path, scope);
    const key = head.toLowerCase();
    const prop =
      ({ entrymethod: 'entryMethod', numberofdecimals: 'numberOfDecimals' } as Record<string, string>)[key] ??
      key;
    return { kind, get: (entry) => entry[prop] ?? null };
  }
  const meta =
    head.toLowerCase() === '_info' && rest.length === 1 ? META[(rest[0] as string).toLowerCase()] : undefined;
  const bareMeta = rest.length === 0 ? META[head.toLowerCase()] : undefined;
  const metaHit = meta ?? (bareMeta && bareMeta[1] === 'datetime' ? bareMeta : undefined);
  if (metaHit && scope === 'conditions') return { kind: metaHit[1], get: (row) => row._meta[metaHit[0]] };
  const f = findField(resource, head);
  if (!f) throw unknownField(path, scope);
  const isArray = f.type === 'refs' || f.type === 'custom';
  if (scope === 'childConditions' && !isArray) throw unknownField(path, scope);
  if (scope === 'conditions' && isArray) {
    throw new ConditionError(`${f.name} is an array: filter it with childConditions.`);
  }
  if (f.type === 'ref' || f.type === 'refs') {
    if (rest.length === 0) {
      if (f.type === 'refs') throw unknownField(path, scope);
      return { kind: 'numeric', bareRef: true, get: (row) => row[f.name] ?? null };
    }
    if (rest.length > 1) throw unknownField(path, scope);
    const sub = refAccessor(ctx, f.ref as RefKind, rest[0] as string, path, scope);
    if (f.type === 'refs') {
      return { kind: sub.kind, many: true, get: (row) => ((row[f.name] as number[]) ?? []).map(sub.read) };
    }
    return { kind: sub.kind, get: (row) => sub.read(row[f.name]) };
  }
  if (rest.length > 0 || f.type === 'custom') throw unknownField(path, scope);
  return { kind: FIELD_KIND[f.type], get: (row) => row[f.name] ?? null };
}

/**
 * Checks a comparison's values against the path's kind: the server answers a mismatch with "Expected a
 * boolean value, not a numeric." followed by the literal rules [OBSERVED].
 */
export function checkComparison(c: Comparison, acc: Accessor, scope: Scope): void {
  if (c.op === 'in' && scope === 'childConditions') {
    throw new ConditionError('The in operator is not supported in childConditions.');
  }
  const values = Array.isArray(c.value) ? c.value : [c.value];
  for (const v of values) {
    if (v.kind === 'null') {
      if (c.op !== '=' && c.op !== '!=') throw new ConditionError(`null can only be compared with = or !=.`);
      continue;
    }
    if (acc.bareRef)
      throw new ConditionError(`${c.path.join('/')} is a reference: compare ${c.path[0]}/id instead.`);
    if ((c.op === 'contains' || c.op === 'like') && v.kind !== 'string') throw mismatch('string', v);
    if (acc.kind === 'any') continue;
    if (v.kind !== acc.kind) throw mismatch(acc.kind, v);
    if (acc.kind === 'boolean' && c.op !== '=' && c.op !== '!=') {
      throw new ConditionError(`A boolean can only be compared with = or !=.`);
    }
  }
}

function mismatch(expected: ValueKind, got: Literal): ConditionError {
  return new ConditionError(`Expected a ${expected} value, not a ${got.kind}. ${CONDITION_RULES}`);
}
