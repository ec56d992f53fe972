import type { EmulatorCtx, Row, TableName } from '../store/state';

/**
 * Field types of the emulated models (§4). `date` fields are date-only business dates (effectiveDate,
 * startDate...) kept at midnight UTC; `datetime` keeps the instant. `ref` is a reference object stored as the
 * referenced row's id; `refs` an array of them; `custom` the `customFields` array; `text` a plain string the
 * server fills (nextInvoiceDate).
 */
export type FieldType =
  | 'int'
  | 'number'
  | 'string'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'enum'
  | 'ref'
  | 'refs'
  | 'custom';

/** A reference kind: which table it points to and the display fields its object carries (§4.0). */
export interface RefKind {
  table: TableName;
  /** Fields of the reference object besides `id`, in wire order. */
  shape: readonly string[];
  /** Fields a client may send instead of `id` to point at a row (identifier for companies, name for setup rows). */
  lookupBy: readonly string[];
  /** Collection path of the referenced resource, for the `<name>_href` link. */
  href: string;
  /** A display field computed from the row (e.g. a contact's `name`). */
  display?: (row: Row, ctx: EmulatorCtx) => Record<string, unknown>;
}

export interface FieldDef {
  name: string;
  type: FieldType;
  /** `MissingRequiredField` when absent after a POST, a PUT or a PATCH (2025.8 required flags, §4). */
  required?: boolean;
  /** Must be present in a PUT (the schema's "Required On Updates", §3.3). */
  requiredOnPut?: boolean;
  maxLength?: number;
  values?: readonly string[];
  ref?: RefKind;
  /** Server-computed or server-kept: ignored in request bodies. */
  readOnly?: boolean;
  /** Accepted on POST only (Company.types, §4.2); ignored on PUT and PATCH. */
  createOnly?: boolean;
  /** First model version (year * 1000 + minor) that has the field; hidden from answers pinned to an older one. */
  since?: number;
  /** Inclusive numeric range ("The field X must be between A and B.", §3.6 OutOfRange). */
  range?: readonly [number, number];
  /** `_info` key of a reference's link; default `<name>_href`. */
  hrefKey?: string;
  /** Value on create when the body leaves the field out. */
  defaultValue?: unknown;
}

/** One problem of a write, as it goes into `errors[]` (§3.6). */
export interface FieldError {
  code: string;
  message: string;
  field: string;
}

export type WriteMode = 'create' | 'put' | 'patch';

export interface WriteContext {
  ctx: EmulatorCtx;
  mode: WriteMode;
  /** The stored row before the write (put/patch). */
  before?: Row;
  /** Parent id from the URL (additions: the agreement). */
  parentId?: number;
  /** Fields the request named (POST/PUT body keys, PATCH paths): a left-out field may get a server default. */
  sent: ReadonlySet<string>;
}

/** A resource of the API surface: a table, its URL, its model and its business rules. */
export interface ResourceDef {
  key: TableName;
  /** camelCase entity name in errors: `company object is invalid`, `errors[].resource` (§3.6). */
  resourceName: string;
  /** Collection path segments; `:parentId` is a numeric parent id (additions). */
  path: readonly string[];
  /** Stored field holding the parent id (additions: `agreementId`). */
  parentField?: string;
  /** The parent's table, for a 404 on an unknown parent. */
  parentTable?: TableName;
  fields: readonly FieldDef[];
  /** Server defaults after the body is applied (e.g. an addition's prices from its product). */
  prepare?(row: Row, w: WriteContext): void;
  /** Business rules beyond required/length/type: returns errors (400) or throws a CwError. */
  validate?(row: Row, w: WriteContext): FieldError[];
  /** Read-only values derived on every read (agreementStatus, extPrice...). */
  compute?(ctx: EmulatorCtx, row: Row): Record<string, unknown>;
  /** DELETE: refuse (throw a CwError), or soft-delete and return true to keep the row. */
  onDelete?(ctx: EmulatorCtx, row: Row, actor: string): boolean | undefined;
  /** Extra `_info` links of a row, as paths under the API root. */
  links?(row: Row): Record<string, string>;
}

/** `2025.8` -> 2025008, so model versions compare as numbers (2025.16 > 2025.8). */
export function versionNumber(version: string): number | undefined {
  const m = /^(\d{4})\.(\d{1,3})$/.exec(version.trim());
  return m ? Number(m[1]) * 1000 + Number(m[2]) : undefined;
}

/** Fields that appeared after 2022.1 (absent there, present in 2025.8): assumed from 2025.1 (§0, UNVERIFIED). */
export const SINCE_2025 = 2025_001;
