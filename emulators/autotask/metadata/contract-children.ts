import { BILLING_ITEM_TYPE } from './picklists';
import { type EntityMeta, field, idField, ro } from './types';

/** ContractServices: child of Contracts; created/updated only through `/Contracts/{id}/Services`; no delete. */
export const CONTRACT_SERVICES: EntityMeta = {
  name: 'ContractServices',
  canCreate: true,
  canUpdate: true,
  canDelete: false,
  canQuery: true,
  hasUserDefinedFields: true,
  supportsWebhookCallouts: false,
  child: { parent: 'Contracts', segment: 'Services', parentField: 'contractID' },
  // A create at the root URL answers 404 like ContractCharges ("creating a child entity at its root URL
  // answers 404", §8.1).
  rootWriteStatus: 404,
  fields: [
    idField(),
    field('contractID', 'integer', { isRequired: true, access: 'create', reference: 'Contracts' }),
    field('serviceID', 'integer', { isRequired: true, access: 'create', reference: 'Services' }),
    // "On Update(), all fields are Read-Only except for adjustedPrice and invoiceDescription" [DOC, §8.1]:
    // unitPrice is set on create only; adjustedPrice is written (create and update) but never read back;
    // queries return internalCurrencyAdjustedPrice instead.
    field('unitPrice', 'decimal', { access: 'create' }),
    field('adjustedPrice', 'decimal', { writeOnly: true }),
    field('unitCost', 'decimal', { access: 'create' }),
    field('invoiceDescription', 'string', { length: 1000 }),
    field('internalDescription', 'string', { length: 100, access: 'create' }),
    ro('internalCurrencyUnitPrice', 'decimal'),
    ro('internalCurrencyAdjustedPrice', 'decimal'),
    ro('quoteItemID', 'long'),
  ],
};

/** ContractServiceAdjustments: create only (parent URL or root); not queryable, updatable or deletable. */
export const CONTRACT_SERVICE_ADJUSTMENTS: EntityMeta = {
  name: 'ContractServiceAdjustments',
  canCreate: true,
  canUpdate: false,
  canDelete: false,
  canQuery: false,
  hasUserDefinedFields: false,
  supportsWebhookCallouts: false,
  child: { parent: 'Contracts', segment: 'ServiceAdjustments', parentField: 'contractID' },
  rootCreate: true,
  fields: [
    idField(),
    field('contractID', 'integer', { reference: 'Contracts' }),
    field('serviceID', 'integer', { reference: 'Services' }),
    field('contractServiceID', 'integer', { reference: 'ContractServices' }),
    field('effectiveDate', 'datetime', { isRequired: true, dateOnly: true }),
    field('unitChange', 'integer', { defaultValue: 0 }),
    field('adjustedUnitPrice', 'decimal'),
    field('adjustedUnitCost', 'decimal'),
    field('allowRepeatService', 'boolean', { defaultValue: false }),
    field('quoteItemID', 'long'),
  ],
};

/** ContractServiceUnits: query only; derived per billing period and split at adjustment dates. */
export const CONTRACT_SERVICE_UNITS: EntityMeta = {
  name: 'ContractServiceUnits',
  canCreate: false,
  canUpdate: false,
  canDelete: false,
  canQuery: true,
  hasUserDefinedFields: false,
  supportsWebhookCallouts: false,
  child: { parent: 'Contracts', segment: 'ServiceUnits', parentField: 'contractID' },
  fields: [
    idField(),
    ro('contractID', 'integer', { isRequired: true, reference: 'Contracts' }),
    ro('contractServiceID', 'integer', { reference: 'ContractServices' }),
    ro('serviceID', 'integer', { isRequired: true, reference: 'Services' }),
    ro('startDate', 'datetime', { isRequired: true, dateOnly: true }),
    ro('endDate', 'datetime', { isRequired: true, dateOnly: true }),
    ro('units', 'integer', { isRequired: true }),
    ro('price', 'decimal'),
    ro('internalCurrencyPrice', 'decimal'),
    ro('cost', 'decimal'),
    ro('approveAndPostDate', 'datetime'),
    ro('vendorCompanyID', 'integer', { reference: 'Companies' }),
    ro('organizationalLevelAssociationID', 'integer'),
  ],
};

/** BillingItems: produced only by the emulator's approve-and-post admin hook; read-only here. */
export const BILLING_ITEMS: EntityMeta = {
  name: 'BillingItems',
  canCreate: false,
  canUpdate: false,
  canDelete: false,
  canQuery: true,
  hasUserDefinedFields: false,
  supportsWebhookCallouts: false,
  fields: [
    idField(),
    ro('billingItemType', 'integer', { isRequired: true, picklist: BILLING_ITEM_TYPE }),
    ro('companyID', 'integer', { reference: 'Companies' }),
    ro('contractID', 'integer', { reference: 'Contracts' }),
    ro('contractServiceID', 'integer', { reference: 'ContractServices' }),
    ro('contractServicePeriodID', 'long'),
    ro('contractChargeID', 'long', { reference: 'ContractCharges' }),
    ro('serviceID', 'integer', { reference: 'Services' }),
    ro('itemDate', 'datetime', { dateOnly: true }),
    ro('postedDate', 'datetime'),
    ro('invoiceID', 'integer'),
    ro('description', 'string', { length: 2000 }),
    ro('quantity', 'double'),
    ro('rate', 'decimal'),
    ro('ourCost', 'decimal'),
    ro('extendedPrice', 'decimal'),
    ro('totalAmount', 'decimal'),
  ],
};
