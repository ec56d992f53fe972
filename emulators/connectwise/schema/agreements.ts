import { firstOpenPeriod } from '../billing/invoicing';
import { agreementStatus } from '../rules/agreement-status';
import { dayOf, midnight } from '../store/dates';
import { bool, custom, date, id, num, oneOf, ref, str } from './fields';
import {
  APPLICATION_CYCLES,
  APPLICATION_UNITS,
  BILL_OPTIONS,
  COMP_NOT_EXCEED,
  COMP_RATES,
  INVOICING_CYCLES,
} from './finance-setup';
import { REFS } from './refs';
import { type FieldError, type ResourceDef, SINCE_2025 } from './types';

/** Fields a new agreement takes from its type when the body leaves them out. */
const FROM_TYPE: ReadonlyArray<[agreementField: string, typeField: string]> = [
  ['billingCycle', 'billingCycle'],
  ['prorateFlag', 'prorateFlag'],
  ['invoicingCycle', 'invoicingCycle'],
  ['employeeCompRate', 'employeeCompRate'],
  ['employeeCompNotExceed', 'employeeCompNotExceed'],
  ['billTime', 'billTime'],
  ['billExpenses', 'billExpenses'],
  ['billProducts', 'billProducts'],
  ['applicationUnits', 'applicationUnits'],
  ['applicationUnlimitedFlag', 'applicationUnlimitedFlag'],
  ['billAmount', 'billAmount'],
  ['taxable', 'taxableFlag'],
  ['billOneTimeFlag', 'billOneTimeFlag'],
  ['autoInvoiceFlag', 'autoInvoiceFlag'],
  ['invoiceProratedAdditionsFlag', 'invoiceProratedAdditionsFlag'],
];

/** `/finance/agreements` (§4.3). `agreementStatus` and `nextInvoiceDate` are computed. */
export const agreements: ResourceDef = {
  key: 'agreements',
  resourceName: 'agreement',
  path: ['finance', 'agreements'],
  fields: [
    id(),
    str('name', 100, { required: true }),
    ref('type', REFS.agreementType, { required: true }),
    ref('company', REFS.company, { required: true }),
    ref('contact', REFS.contact, { required: true }),
    ref('parentAgreement', REFS.agreement, { hrefKey: 'agreement_href' }),
    str('customerPO', 50),
    date('startDate'),
    date('endDate'),
    bool('noEndingDateFlag'),
    bool('cancelledFlag', { defaultValue: false }),
    date('dateCancelled'),
    str('reasonCancelled', 100),
    str('workOrder', 20),
    str('internalNotes'),
    oneOf('applicationUnits', APPLICATION_UNITS),
    num('applicationLimit'),
    oneOf('applicationCycle', APPLICATION_CYCLES),
    bool('applicationUnlimitedFlag'),
    bool('oneTimeFlag', { defaultValue: false }),
    bool('chargeToFirm', { defaultValue: false }),
    oneOf('employeeCompRate', COMP_RATES, { requiredOnPut: true }),
    oneOf('employeeCompNotExceed', COMP_NOT_EXCEED),
    ref('billingCycle', REFS.billingCycle),
    bool('billOneTimeFlag'),
    oneOf('invoicingCycle', INVOICING_CYCLES, { requiredOnPut: true }),
    ref('billToCompany', REFS.company, { hrefKey: 'company_href' }),
    ref('billToContact', REFS.contact, { hrefKey: 'contact_href' }),
    num('billAmount'),
    bool('taxable'),
    num('prorateFirstBill'),
    date('billStartDate'),
    ref('taxCode', REFS.taxCode),
    bool('prorateFlag'),
    bool('invoiceProratedAdditionsFlag', { since: SINCE_2025 }),
    str('invoiceDescription'),
    oneOf('billTime', BILL_OPTIONS, { requiredOnPut: true }),
    oneOf('billExpenses', BILL_OPTIONS, { requiredOnPut: true }),
    oneOf('billProducts', BILL_OPTIONS, { requiredOnPut: true }),
    oneOf('periodType', ['Current', 'Future', 'Both', 'Undefined'], { defaultValue: 'Current' }),
    bool('autoInvoiceFlag'),
    str('nextInvoiceDate', undefined, { readOnly: true }),
    oneOf('agreementStatus', ['Active', 'Cancelled', 'Expired', 'Inactive'], { readOnly: true }),
    custom(),
  ],
  prepare(row, w) {
    const type = w.ctx.state.tables.agreementTypes.get(row.type as number);
    if (w.mode === 'create' && type) {
      for (const [field, from] of FROM_TYPE) if (!w.sent.has(field)) row[field] = type[from] ?? null;
    }
    if (w.mode === 'create' && !w.sent.has('startDate')) row.startDate = midnight(w.ctx.clock.today());
    // Open-ended unless an end date is given (emulator's reading of noEndingDateFlag, §5.4).
    if (row.noEndingDateFlag === null || row.noEndingDateFlag === undefined)
      row.noEndingDateFlag = !row.endDate;
    if (row.cancelledFlag === true && !row.dateCancelled) row.dateCancelled = midnight(w.ctx.clock.today());
    if (!row.billStartDate && row.startDate) row.billStartDate = row.startDate;
  },
  validate(row) {
    const errors: FieldError[] = [];
    if (row.startDate && row.endDate && dayOf(row.endDate as string) < dayOf(row.startDate as string)) {
      errors.push({
        code: 'InvalidField',
        message: 'The end date must be on or after the start date.',
        field: 'endDate',
      });
    }
    return errors;
  },
  compute(ctx, row) {
    // The start of the first period not invoiced yet (the emulator's model of invoicing, README "Billing").
    const open = firstOpenPeriod(ctx, row);
    return {
      agreementStatus: agreementStatus(row, ctx.clock.today()),
      nextInvoiceDate: open ? midnight(open.start) : null,
    };
  },
  onDelete(ctx, row) {
    for (const a of ctx.state.tables.additions.byField('agreementId', row.id))
      ctx.state.tables.additions.delete(a.id);
    return undefined;
  },
  links: (row) => ({ additions_href: `finance/agreements/${row.id}/additions` }),
};
