import { COMPANIES, RESOURCES } from './companies';
import { CONTRACT_CHARGES } from './contract-charges';
import {
  BILLING_ITEMS,
  CONTRACT_SERVICE_ADJUSTMENTS,
  CONTRACT_SERVICE_UNITS,
  CONTRACT_SERVICES,
} from './contract-children';
import { CONTRACTS } from './contracts';
import { BILLING_CODES, SERVICES } from './services';
import { type EntityMeta, type EntityName, type FieldMeta, isVisible } from './types';

export const ENTITIES: readonly EntityMeta[] = [
  COMPANIES,
  CONTRACTS,
  SERVICES,
  CONTRACT_SERVICES,
  CONTRACT_SERVICE_ADJUSTMENTS,
  CONTRACT_SERVICE_UNITS,
  CONTRACT_CHARGES,
  BILLING_CODES,
  BILLING_ITEMS,
  RESOURCES,
];

export const ENTITY_NAMES = ENTITIES.map((e) => e.name);

const byLower = new Map(ENTITIES.map((e) => [e.name.toLowerCase(), e]));

export function entityMeta(name: EntityName): EntityMeta {
  return byLower.get(name.toLowerCase()) as EntityMeta;
}

/** Case-insensitive lookup of an entity by its URL name. */
export function findEntity(urlName: string): EntityMeta | undefined {
  return byLower.get(urlName.toLowerCase());
}

/** The child entity reached by `/{parent}/{id}/{segment}`, if any. */
export function findChild(parent: EntityMeta, segment: string): EntityMeta | undefined {
  const s = segment.toLowerCase();
  return ENTITIES.find((e) => e.child?.parent === parent.name && e.child.segment.toLowerCase() === s);
}

/** Case-insensitive field lookup: field names in filters, IncludeFields and bodies are case-insensitive. */
export function findField(meta: EntityMeta, name: string): FieldMeta | undefined {
  const n = name.toLowerCase();
  return meta.fields.find((f) => f.name.toLowerCase() === n);
}

/** findField without the write-only fields: what filters, IncludeFields, seeds and admin edits may name. */
export function findVisibleField(meta: EntityMeta, name: string): FieldMeta | undefined {
  const f = findField(meta, name);
  return f && isVisible(f) ? f : undefined;
}

const ACCESS = (allowed: boolean) => (allowed ? 'All' : 'None');

/** Body of `GET /{Entity}/entityInformation`. The form of the userAccessFor* values is UNVERIFIED. */
export function entityInformation(meta: EntityMeta) {
  return {
    info: {
      name: meta.name,
      canCreate: meta.canCreate,
      canDelete: meta.canDelete,
      canQuery: meta.canQuery,
      canUpdate: meta.canUpdate,
      userAccessForCreate: ACCESS(meta.canCreate),
      userAccessForDelete: ACCESS(meta.canDelete),
      userAccessForQuery: ACCESS(meta.canQuery),
      userAccessForUpdate: ACCESS(meta.canUpdate),
      hasUserDefinedFields: meta.hasUserDefinedFields,
      supportsWebhookCallouts: meta.supportsWebhookCallouts,
    },
  };
}

/** Body of `GET /{Entity}/entityInformation/fields`: the same table that drives validation. */
export function entityFields(meta: EntityMeta) {
  return {
    fields: meta.fields.filter(isVisible).map((f) => ({
      name: f.name,
      dataType: f.dataType,
      length: f.length ?? 0,
      isRequired: f.isRequired,
      isReadOnly: f.access !== 'rw',
      isQueryable: f.isQueryable ?? true,
      isReference: f.reference !== undefined,
      referenceEntityType: f.reference ?? '',
      isPickList: f.picklist !== undefined,
      picklistValues: f.picklist
        ? f.picklist.map((p, i) => ({
            value: p.value,
            label: p.label,
            isDefaultValue: p.isDefaultValue ?? false,
            sortOrder: i + 1,
            parentValue: '',
            isActive: p.isActive ?? true,
            isSystem: true,
          }))
        : null,
      picklistParentValueField: '',
      isSupportedWebhookField: false,
    })),
  };
}
