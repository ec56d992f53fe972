import { MESSAGES } from '../http/errors';
import { formatInstant } from '../store/dates';
import { bool, custom, date, datetime, defaultRow, id, int, num, ref, refs, str, taken } from './fields';
import { REFS } from './refs';
import { type FieldError, type ResourceDef, SINCE_2025 } from './types';

const ADDRESS = ['addressLine1', 'addressLine2', 'city', 'state', 'zip'] as const;

/** `/company/companies` (§4.2). Vendors are companies with a type whose `vendorFlag` is true. */
export const companies: ResourceDef = {
  key: 'companies',
  resourceName: 'company',
  path: ['company', 'companies'],
  fields: [
    id(),
    str('identifier', 30, { required: true }),
    str('name', 50, { required: true }),
    ref('status', REFS.companyStatus),
    ...ADDRESS.map((name) => str(name, name === 'zip' ? 12 : 50)),
    str('phoneNumber', 30),
    str('faxNumber', 30),
    str('website', 255),
    str('accountNumber'),
    ref('defaultContact', REFS.contact, { hrefKey: 'contact_href' }),
    date('dateAcquired'),
    ref('parentCompany', REFS.company, { hrefKey: 'company_href' }),
    num('annualRevenue'),
    num('creditLimit', { since: SINCE_2025 }),
    int('numberOfEmployees'),
    int('yearEstablished', { range: [1900, 9999] }),
    str('leadSource', 50),
    bool('leadFlag', { defaultValue: false }),
    bool('unsubscribeFlag', { defaultValue: false }),
    str('vendorIdentifier'),
    str('taxIdentifier'),
    ref('taxCode', REFS.taxCode),
    ref('billToCompany', REFS.company, { hrefKey: 'company_href' }),
    str('invoiceToEmailAddress'),
    str('invoiceCCEmailAddress'),
    bool('deletedFlag', { readOnly: true, defaultValue: false }),
    datetime('dateDeleted', { readOnly: true }),
    str('deletedBy', undefined, { readOnly: true }),
    str('resellerIdentifier'),
    bool('isVendorFlag', { readOnly: true }),
    // "can be passed in only during new company creation (post)" [SPEC]: later changes are ignored.
    refs('types', REFS.companyType, { createOnly: true, hrefKey: 'type_href' }),
    custom(),
  ],
  prepare(row, w) {
    if (w.mode === 'create' || row.status === null || row.status === undefined) {
      row.status ??= defaultRow(w.ctx, 'companyStatuses')?.id ?? null;
    }
    if (w.mode === 'create' && (row.types as number[]).length === 0) {
      const client = defaultRow(w.ctx, 'companyTypes');
      row.types = client ? [client.id] : [];
    }
  },
  validate(row, w) {
    const errors: FieldError[] = [];
    if (taken(w.ctx, 'companies', 'identifier', row)) {
      errors.push({ code: 'ObjectExists', message: MESSAGES.companyIdInUse, field: 'identifier' });
    }
    // "at least one address field is required" [SPEC property text].
    if (ADDRESS.every((f) => row[f] === null || row[f] === undefined || row[f] === '')) {
      errors.push({
        code: 'MissingRequiredField',
        message:
          'At least one address field is required -- addressLine1, addressLine2, city, state, zip and/or country.',
        field: 'addressLine1',
      });
    }
    return errors;
  },
  compute(ctx, row) {
    const types = (row.types as number[]).map((t) => ctx.state.tables.companyTypes.get(t));
    return { isVendorFlag: types.some((t) => t?.vendorFlag === true) };
  },
  // A deleted company is kept with `deletedFlag` (it still lists unless filtered, §4.2 INFERRED).
  onDelete(ctx, row, actor) {
    row.deletedFlag = true;
    row.dateDeleted = formatInstant(ctx.clock.nowMs());
    row.deletedBy = actor;
    return true;
  },
};

/** `/company/contacts` (enough for an agreement's required `contact`). */
export const contacts: ResourceDef = {
  key: 'contacts',
  resourceName: 'contact',
  path: ['company', 'contacts'],
  fields: [
    id(),
    str('firstName', 30, { required: true }),
    str('lastName', 30),
    ref('company', REFS.company),
    str('title', 100),
    bool('inactiveFlag', { defaultValue: false }),
    bool('defaultFlag', { defaultValue: false }),
    custom(),
  ],
};

/** `/company/companies/types` (§4.2 CompanyType). */
export const companyTypes: ResourceDef = {
  key: 'companyTypes',
  resourceName: 'companyType',
  path: ['company', 'companies', 'types'],
  fields: [
    id(),
    str('name', 50, { required: true }),
    bool('defaultFlag', { defaultValue: false }),
    bool('vendorFlag', { defaultValue: false }),
    bool('serviceAlertFlag', { defaultValue: false }),
    str('serviceAlertMessage', 150),
  ],
};

/** `/company/companies/statuses` (the CompanyStatusReference of `status`). */
export const companyStatuses: ResourceDef = {
  key: 'companyStatuses',
  resourceName: 'companyStatus',
  path: ['company', 'companies', 'statuses'],
  fields: [
    id(),
    str('name', 50, { required: true }),
    bool('defaultFlag', { defaultValue: false }),
    bool('inactiveFlag', { defaultValue: false }),
  ],
};
