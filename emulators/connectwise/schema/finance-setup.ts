import { bool, date, id, num, oneOf, ref, str } from './fields';
import { REFS } from './refs';
import { type ResourceDef, SINCE_2025 } from './types';

export const BILL_OPTIONS = ['Billable', 'DoNotBill', 'NoCharge', 'NoDefault'] as const;
export const APPLICATION_UNITS = ['Amount', 'Hours', 'Incidents'] as const;
export const APPLICATION_CYCLES = [
  'Contract2Weeks',
  'Contract4Weeks',
  'ContractYear',
  'CalendarMonth',
  'CalendarQuarter',
  'CalendarWeek',
  'ContractQuarter',
  'CalendarYear',
] as const;
export const INVOICING_CYCLES = ['ContractYear', 'CalendarYear'] as const;
export const COMP_RATES = ['Actual', 'Hourly'] as const;
export const COMP_NOT_EXCEED = ['Billing', 'Amount', 'Percent'] as const;
export const BILLING_OPTIONS = [
  'BiMonthly',
  'BiWeekly',
  'Monthly',
  'NotRecurring',
  'Quarterly',
  'SemiAnnual',
  'Weekly',
  'Yearly',
] as const;

/** `/finance/billingCycles` (§4.8). */
export const billingCycles: ResourceDef = {
  key: 'billingCycles',
  resourceName: 'billingCycle',
  path: ['finance', 'billingCycles'],
  fields: [
    id(),
    str('identifier', 5, { required: true }),
    str('name', 50, { required: true }),
    bool('defaultFlag', { defaultValue: false }),
    oneOf('billingOptions', BILLING_OPTIONS, { required: true }),
  ],
};

/** `/finance/taxCodes` (§4.8, condensed to the first tax level). */
export const taxCodes: ResourceDef = {
  key: 'taxCodes',
  resourceName: 'taxCode',
  path: ['finance', 'taxCodes'],
  fields: [
    id(),
    str('identifier', 8, { required: true }),
    str('description', 50, { required: true }),
    str('invoiceCaption', 25, { required: true }),
    date('effectiveDate', { required: true }),
    bool('defaultFlag', { defaultValue: false }),
    num('levelOneRate'),
    oneOf('levelOneRateType', ['Amount', 'Percent']),
  ],
};

/** `/finance/agreements/types` (§4.4): the defaults a new agreement of the type takes. */
export const agreementTypes: ResourceDef = {
  key: 'agreementTypes',
  resourceName: 'agreementType',
  path: ['finance', 'agreements', 'types'],
  fields: [
    id(),
    str('name', 50, { required: true }),
    oneOf('prefixSuffixOption', ['Prefix', 'Suffix']),
    bool('defaultFlag', { defaultValue: false }),
    bool('inactiveFlag', { defaultValue: false }),
    bool('prePaymentFlag', { defaultValue: false }),
    str('invoicePreSuffix', 5),
    oneOf('applicationUnits', APPLICATION_UNITS),
    num('applicationLimit'),
    oneOf('applicationCycle', APPLICATION_CYCLES),
    bool('applicationUnlimitedFlag', { defaultValue: false }),
    bool('oneTimeFlag', { defaultValue: false }),
    oneOf('employeeCompRate', COMP_RATES, { required: true }),
    oneOf('employeeCompNotExceed', COMP_NOT_EXCEED, { required: true }),
    ref('billingCycle', REFS.billingCycle),
    bool('billOneTimeFlag', { defaultValue: false }),
    oneOf('invoicingCycle', INVOICING_CYCLES, { required: true }),
    num('billAmount'),
    bool('taxableFlag', { defaultValue: false }),
    str('invoiceDescription', 4000),
    oneOf('billTime', BILL_OPTIONS, { required: true }),
    oneOf('billExpenses', BILL_OPTIONS, { required: true }),
    oneOf('billProducts', BILL_OPTIONS, { required: true }),
    str('integrationXRef', 50),
    bool('prorateFlag', { defaultValue: false }),
    bool('autoInvoiceFlag', { defaultValue: false }),
    bool('invoiceProratedAdditionsFlag', { since: SINCE_2025, defaultValue: false }),
  ],
};
