import type { EmulatorCtx, Row, TableName } from '../store/state';
import type { FieldDef, RefKind } from './types';

/** Small constructors so the models read like the notes' tables (§4). */
type Extra = Omit<Partial<FieldDef>, 'name' | 'type'>;

export const id = (): FieldDef => ({ name: 'id', type: 'int', readOnly: true });
export const str = (name: string, maxLength?: number, extra: Extra = {}): FieldDef => ({
  name,
  type: 'string',
  ...(maxLength !== undefined ? { maxLength } : {}),
  ...extra,
});
export const int = (name: string, extra: Extra = {}): FieldDef => ({ name, type: 'int', ...extra });
export const num = (name: string, extra: Extra = {}): FieldDef => ({ name, type: 'number', ...extra });
export const bool = (name: string, extra: Extra = {}): FieldDef => ({ name, type: 'boolean', ...extra });
export const date = (name: string, extra: Extra = {}): FieldDef => ({ name, type: 'date', ...extra });
export const datetime = (name: string, extra: Extra = {}): FieldDef => ({ name, type: 'datetime', ...extra });
export const oneOf = (name: string, values: readonly string[], extra: Extra = {}): FieldDef => ({
  name,
  type: 'enum',
  values,
  ...extra,
});
export const ref = (name: string, kind: RefKind, extra: Extra = {}): FieldDef => ({
  name,
  type: 'ref',
  ref: kind,
  ...extra,
});
export const refs = (name: string, kind: RefKind, extra: Extra = {}): FieldDef => ({
  name,
  type: 'refs',
  ref: kind,
  ...extra,
});
export const custom = (): FieldDef => ({ name: 'customFields', type: 'custom' });

/** Strings compare as the tenant's collation does: SQL Server's default ignores case and trailing spaces. */
export function sameText(ctx: EmulatorCtx, a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  return ctx.rules.collation === 'case-insensitive'
    ? a.trimEnd().toLowerCase() === b.trimEnd().toLowerCase()
    : a === b;
}

/** Whether another row of `table` already holds `value` in `field` (a unique key). */
export function taken(ctx: EmulatorCtx, table: TableName, field: string, row: Row): boolean {
  const value = row[field];
  for (const other of ctx.state.tables[table].values()) {
    if (other.id !== row.id && sameText(ctx, other[field], value)) return true;
  }
  return false;
}

/** The table's row flagged `defaultFlag`, else its lowest id. */
export function defaultRow(ctx: EmulatorCtx, table: TableName): Row | undefined {
  const rows = [...ctx.state.tables[table].values()].sort((a, b) => a.id - b.id);
  return rows.find((r) => r.defaultFlag === true && r.inactiveFlag !== true) ?? rows[0];
}
