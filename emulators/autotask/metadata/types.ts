/** Field and entity metadata: one table drives validation, read-only handling and entityInformation. */
export type DataType =
  | 'string'
  | 'integer'
  | 'long'
  | 'short'
  | 'decimal'
  | 'double'
  | 'boolean'
  | 'datetime';

/** `rw` = writable; `ro` = never written by clients (ignored on create and update); `create` = set on create, fixed after. */
export type Access = 'rw' | 'ro' | 'create';

export interface PicklistValue {
  value: string;
  label: string;
  isActive?: boolean;
  isDefaultValue?: boolean;
}

export type EntityName =
  | 'Companies'
  | 'Contracts'
  | 'Services'
  | 'ContractServices'
  | 'ContractServiceAdjustments'
  | 'ContractServiceUnits'
  | 'ContractCharges'
  | 'BillingCodes'
  | 'BillingItems'
  | 'Resources';

/** Entities that fields refer to but the emulator does not model. */
export type UnmodelledEntity = 'Products' | 'ContractServiceBundles';

export interface FieldMeta {
  name: string;
  dataType: DataType;
  access: Access;
  isRequired: boolean;
  /** Max string length. */
  length?: number;
  /** Defaults to true. */
  isQueryable?: boolean;
  /** The referenced entity; a name the emulator does not model (`Products`) makes every value a bad reference. */
  reference?: EntityName | UnmodelledEntity;
  picklist?: readonly PicklistValue[];
  /** A date without a time (`startDate`): stored and returned as `YYYY-MM-DDT00:00:00Z`. */
  dateOnly?: boolean;
  /** Value given on create when the client sends none. */
  defaultValue?: unknown;
  /**
   * Accepted in create/update bodies only: never returned, not listed in entityInformation/fields, not
   * queryable (ContractServices.adjustedPrice: documented as writable, absent from the REST model, §8.1).
   */
  writeOnly?: boolean;
}

export interface ChildRoute {
  parent: EntityName;
  /** Path segment under the parent: `/Contracts/{id}/{segment}`. */
  segment: string;
  /** Field holding the parent id. */
  parentField: string;
}

export interface EntityMeta {
  name: EntityName;
  fields: readonly FieldMeta[];
  canCreate: boolean;
  canUpdate: boolean;
  canDelete: boolean;
  canQuery: boolean;
  hasUserDefinedFields: boolean;
  supportsWebhookCallouts: boolean;
  /** Child entities are created and updated only through the parent URL (plus `rootCreate`). */
  child?: ChildRoute;
  /** A child entity that can also be created at its root URL (ContractServiceAdjustments). */
  rootCreate?: boolean;
  /**
   * Status of a write to a child entity's root URL: 405 (default) or 404, the answer documented for a child
   * created at its root (ContractCharges, notes §8.1).
   */
  rootWriteStatus?: 404 | 405;
}

type FieldOpts = Partial<Omit<FieldMeta, 'name' | 'dataType'>>;

/** Field builder: `field('name', 'string', { isRequired: true, length: 100 })`. Access defaults to `rw`. */
export function field(name: string, dataType: DataType, opts: FieldOpts = {}): FieldMeta {
  return { name, dataType, access: 'rw', isRequired: false, ...opts };
}

/** A field a client can read, query or see in the metadata (every field but the write-only ones). */
export const isVisible = (f: FieldMeta) => f.writeOnly !== true;

export const idField = (): FieldMeta => field('id', 'long', { access: 'ro', isRequired: true });

/** Read-only field shorthand. */
export const ro = (name: string, dataType: DataType, opts: FieldOpts = {}): FieldMeta =>
  field(name, dataType, { ...opts, access: 'ro' });

export function picklist(...pairs: Array<[number | string, string]>): PicklistValue[] {
  return pairs.map(([value, label]) => ({ value: String(value), label }));
}
