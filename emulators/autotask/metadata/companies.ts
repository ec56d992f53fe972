import { COMPANY_TYPE } from './picklists';
import { type EntityMeta, field, idField, ro } from './types';

/** Companies: create/update/query, no delete [DOC CompaniesEntity][META]. Lengths from SOAP-era docs. */
export const COMPANIES: EntityMeta = {
  name: 'Companies',
  canCreate: true,
  canUpdate: true,
  canDelete: false,
  canQuery: true,
  hasUserDefinedFields: true,
  supportsWebhookCallouts: true,
  fields: [
    idField(),
    field('companyName', 'string', { isRequired: true, length: 100 }),
    field('companyType', 'short', { isRequired: true, picklist: COMPANY_TYPE }),
    field('ownerResourceID', 'integer', { isRequired: true, reference: 'Resources' }),
    field('phone', 'string', { isRequired: true, length: 25 }),
    field('isActive', 'boolean', { defaultValue: true }),
    field('companyNumber', 'string', { length: 50 }),
    field('address1', 'string', { length: 150 }),
    field('address2', 'string', { length: 150 }),
    field('city', 'string', { length: 50 }),
    field('state', 'string', { length: 25 }),
    field('postalCode', 'string', { length: 20 }),
    field('countryID', 'integer'),
    field('fax', 'string', { length: 25 }),
    field('webAddress', 'string', { length: 255 }),
    field('taxID', 'string', { length: 50 }),
    field('isTaxExempt', 'boolean', { defaultValue: false }),
    field('parentCompanyID', 'integer', { reference: 'Companies' }),
    field('assetValue', 'double', { isQueryable: false }),
    ro('createDate', 'datetime'),
    ro('createdByResourceID', 'integer', { reference: 'Resources' }),
    ro('lastActivityDate', 'datetime'),
    ro('lastTrackedModifiedDateTime', 'datetime'),
  ],
};

/** Resources: read here only (the API user and owners); the real entity has more fields and verbs. */
export const RESOURCES: EntityMeta = {
  name: 'Resources',
  canCreate: false,
  canUpdate: false,
  canDelete: false,
  canQuery: true,
  hasUserDefinedFields: false,
  supportsWebhookCallouts: false,
  fields: [
    idField(),
    ro('firstName', 'string', { isRequired: true, length: 50 }),
    ro('lastName', 'string', { isRequired: true, length: 50 }),
    ro('userName', 'string', { isRequired: true, length: 32 }),
    ro('email', 'string', { isRequired: true, length: 254 }),
    ro('isActive', 'boolean', { isRequired: true }),
    ro('resourceType', 'string', { length: 15 }),
    ro('title', 'string', { length: 50 }),
  ],
};
