import { cwError } from '../http/errors';
import type { FieldDef, FieldError, RefKind } from '../schema/types';
import { formatInstant, midnight, parseWireInstant } from '../store/dates';
import type { EmulatorCtx, Row } from '../store/state';

export type Coerced = { ok: true; value: unknown } | { ok: false; error: FieldError };

const ok = (value: unknown): Coerced => ({ ok: true, value });
/** A value of the wrong type: the ASP.NET model-binding wording; the `code` is the emulator's (UNVERIFIED). */
const invalid = (field: string, raw: unknown): Coerced => ({
  ok: false,
  error: { code: 'InvalidField', message: `The value '${show(raw)}' is not valid for ${field}.`, field },
});

function show(raw: unknown): string {
  return typeof raw === 'string' ? raw : JSON.stringify(raw);
}

/** `\n` and `\r` are stored as a single space each, `\b` and `\f` vanish (§3.8, [DOC]). */
export function flattenText(s: string): string {
  return s.replace(/[\r\n]/g, ' ').replace(/[\b\f]/g, '');
}

function toNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  // Json.NET converts numeric strings into number properties.
  if (typeof raw === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(raw)) return Number(raw);
  return undefined;
}

/** Finds the row a reference object points at: by `id`, else by its lookup fields (identifier / name). */
export function resolveRef(ctx: EmulatorCtx, kind: RefKind, raw: unknown): Row | undefined | 'bad' {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return 'bad';
  const obj = raw as Record<string, unknown>;
  const table = ctx.state.tables[kind.table];
  const id = toNumber(obj.id);
  if (id !== undefined) return table.get(id);
  for (const key of kind.lookupBy) {
    const want = obj[key];
    if (typeof want !== 'string') continue;
    const fold = ctx.rules.collation === 'case-insensitive';
    const norm = (v: unknown) => (fold ? String(v).toLowerCase() : String(v)).trimEnd();
    return [...table.values()].find(
      (r) => r[key] !== null && r[key] !== undefined && norm(r[key]) === norm(want),
    );
  }
  return 'bad';
}

function coerceRef(ctx: EmulatorCtx, f: FieldDef, raw: unknown): Coerced {
  const kind = f.ref as RefKind;
  const row = resolveRef(ctx, kind, raw);
  if (row === 'bad') return invalid(f.name, raw);
  if (!row) {
    const key = (raw as Record<string, unknown>).id ?? Object.values(raw as object)[0];
    return {
      ok: false,
      error: {
        code: 'InvalidField',
        message: `${f.name} ${show(key)} was not found.`,
        field: `${f.name}/id`,
      },
    };
  }
  return ok(row.id);
}

/**
 * A client's value for a field as it is stored, or the field error a client would get. Dates that are not in
 * the accepted form throw the top-level 400 `UnsupportedFormat` (observed for time entries, §3.8).
 */
export function coerce(ctx: EmulatorCtx, f: FieldDef, raw: unknown): Coerced {
  if (raw === null || raw === undefined) return ok(f.type === 'refs' ? [] : null);
  switch (f.type) {
    case 'int':
    case 'number': {
      const n = toNumber(raw);
      if (n === undefined || (f.type === 'int' && !Number.isInteger(n))) return invalid(f.name, raw);
      return ok(n);
    }
    case 'string':
      if (typeof raw === 'number') return ok(String(raw));
      return typeof raw === 'string' ? ok(flattenText(raw)) : invalid(f.name, raw);
    case 'boolean':
      if (typeof raw === 'boolean') return ok(raw);
      if (raw === 'true' || raw === 'false') return ok(raw === 'true');
      return invalid(f.name, raw);
    case 'enum': {
      // Json.NET's enum converter ignores case.
      const match = f.values?.find((v) => typeof raw === 'string' && v.toLowerCase() === raw.toLowerCase());
      return match ? ok(match) : invalid(f.name, raw);
    }
    case 'date':
    case 'datetime': {
      if (typeof raw !== 'string') return invalid(f.name, raw);
      const ms = parseWireInstant(raw, ctx.rules.dateFormat === 'strict');
      if (ms === undefined) {
        throw cwError(
          400,
          'UnsupportedFormat',
          `The value '${raw}' of ${f.name} is not a supported date format; use yyyy-MM-ddTHH:mm:ssZ.`,
        );
      }
      const instant = formatInstant(ms);
      return ok(f.type === 'date' ? midnight(instant) : instant);
    }
    case 'ref':
      return coerceRef(ctx, f, raw);
    case 'refs': {
      if (!Array.isArray(raw)) return invalid(f.name, raw);
      const ids: number[] = [];
      for (const item of raw) {
        const one = coerceRef(ctx, f, item);
        if (!one.ok) return one;
        ids.push(one.value as number);
      }
      return ok(ids);
    }
    case 'custom':
      return Array.isArray(raw) && raw.every((c) => c && typeof c === 'object')
        ? ok(raw.map((c) => ({ ...c })))
        : invalid(f.name, raw);
  }
}
