import { CHARGE_STATUS, CHARGE_TYPE } from './picklists';
import { type EntityMeta, field, idField, ro } from './types';

/**
 * ContractCharges: one-time charges (and credits) on a contract. Child of Contracts: created, updated and
 * deleted only through `/Contracts/{id}/Charges` (notes §3.2); queried at the root too. A create at the root
 * URL answers 404 (notes §8.1). Field list from the public swagger model ContractChargeModel and the SOAP
 * ContractCost clients; lengths from the SOAP clients (REST lengths UNVERIFIED, notes §4 / §8.8).
 */
export const CONTRACT_CHARGES: EntityMeta = {
  name: 'ContractCharges',
  canCreate: true,
  canUpdate: true,
  canDelete: true,
  canQuery: true,
  hasUserDefinedFields: false,
  supportsWebhookCallouts: false,
  child: { parent: 'Contracts', segment: 'Charges', parentField: 'contractID' },
  rootWriteStatus: 404,
  fields: [
    idField(),
    field('contractID', 'integer', { isRequired: true, access: 'create', reference: 'Contracts' }),
    field('name', 'string', { isRequired: true, length: 100 }),
    field('description', 'string', { length: 2000 }),
    // A datetime in Autotask; the emulator keeps the day (like effectiveDate) and answers T00:00:00Z.
    field('datePurchased', 'datetime', { isRequired: true, dateOnly: true }),
    field('unitQuantity', 'decimal', { isRequired: true }),
    field('unitPrice', 'decimal'),
    field('unitCost', 'decimal'),
    field('chargeType', 'integer', { isRequired: true, picklist: CHARGE_TYPE }),
    field('status', 'integer', { picklist: CHARGE_STATUS }),
    field('isBillableToCompany', 'boolean', { defaultValue: true }),
    ro('isBilled', 'boolean', { defaultValue: false }),
    ro('billableAmount', 'decimal'),
    ro('extendedCost', 'decimal'),
    ro('internalCurrencyBillableAmount', 'decimal'),
    ro('internalCurrencyUnitPrice', 'decimal'),
    field('billingCodeID', 'integer', { reference: 'BillingCodes' }),
    field('productID', 'integer', { reference: 'Products' }),
    field('contractServiceID', 'integer', { reference: 'ContractServices' }),
    field('contractServiceBundleID', 'integer', { reference: 'ContractServiceBundles' }),
    field('internalPurchaseOrderNumber', 'string', { length: 50 }),
    field('purchaseOrderNumber', 'string', { length: 50 }),
    field('notes', 'string', { length: 2000 }),
    field('organizationalLevelAssociationID', 'integer'),
    ro('createDate', 'datetime'),
    ro('creatorResourceID', 'integer', { reference: 'Resources' }),
    ro('statusLastModifiedBy', 'integer', { reference: 'Resources' }),
    ro('statusLastModifiedDate', 'datetime'),
  ],
};
