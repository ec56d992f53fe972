import { BILLING_CODE_TYPE, BILLING_CODE_USE_TYPE, PERIOD_TYPE, SERVICE_LEVEL_AGREEMENT } from './picklists';
import { type EntityMeta, field, idField, ro } from './types';

/** Services: create/update/query, canDelete = false [DOC ServicesEntity][META live capture 2026]. */
export const SERVICES: EntityMeta = {
  name: 'Services',
  canCreate: true,
  canUpdate: true,
  canDelete: false,
  canQuery: true,
  hasUserDefinedFields: false,
  supportsWebhookCallouts: false,
  fields: [
    idField(),
    // Up to 150 characters (services import help, §8.1; SOAP-era clients said 100).
    field('name', 'string', { isRequired: true, length: 150 }),
    field('billingCodeID', 'integer', { isRequired: true, reference: 'BillingCodes' }),
    // Required and read-only: set on create, immutable afterwards [META].
    field('periodType', 'integer', { isRequired: true, access: 'create', picklist: PERIOD_TYPE }),
    field('unitPrice', 'decimal', { isRequired: true }),
    field('unitCost', 'decimal'),
    field('description', 'string', { length: 400 }),
    field('invoiceDescription', 'string', { length: 1000 }),
    field('isActive', 'boolean', { defaultValue: true }),
    field('sku', 'string', { length: 50 }),
    field('catalogNumberPartNumber', 'string', { length: 50 }),
    field('manufacturerServiceProvider', 'string', { length: 100 }),
    field('manufacturerServiceProviderProductNumber', 'string', { length: 50 }),
    field('internalID', 'string', { length: 100 }),
    field('externalID', 'string', { length: 100 }),
    field('url', 'string', { length: 500 }),
    field('vendorCompanyID', 'integer', { reference: 'Companies' }),
    field('serviceLevelAgreementID', 'long', { picklist: SERVICE_LEVEL_AGREEMENT }),
    ro('markupRate', 'decimal'),
    ro('createDate', 'datetime'),
    ro('lastModifiedDate', 'datetime'),
    ro('creatorResourceID', 'integer', { reference: 'Resources' }),
    ro('updateResourceID', 'integer', { reference: 'Resources' }),
  ],
};

/** BillingCodes: a read-only entity [DOC BillingCodesEntity][META]. */
export const BILLING_CODES: EntityMeta = {
  name: 'BillingCodes',
  canCreate: false,
  canUpdate: false,
  canDelete: false,
  canQuery: true,
  hasUserDefinedFields: false,
  supportsWebhookCallouts: false,
  fields: [
    idField(),
    ro('name', 'string', { length: 200 }),
    ro('description', 'string', { length: 500 }),
    ro('externalNumber', 'string', { length: 100 }),
    ro('isActive', 'boolean', { isRequired: true }),
    ro('unitCost', 'decimal', { isRequired: true }),
    ro('unitPrice', 'decimal', { isRequired: true }),
    ro('markupRate', 'decimal'),
    ro('billingCodeType', 'integer', { picklist: BILLING_CODE_TYPE }),
    ro('useType', 'integer', { picklist: BILLING_CODE_USE_TYPE }),
    ro('department', 'integer'),
    ro('generalLedgerAccount', 'integer'),
    ro('taxCategoryID', 'integer'),
    ro('isExcludedFromNewContracts', 'boolean'),
  ],
};
