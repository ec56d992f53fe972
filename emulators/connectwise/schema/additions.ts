import { additionComputed } from '../rules/addition-amounts';
import { agreementStatus } from '../rules/agreement-status';
import { dayOf, midnight } from '../store/dates';
import { bool, custom, date, id, int, num, oneOf, ref, str } from './fields';
import { REFS } from './refs';
import type { FieldError, ResourceDef, WriteContext } from './types';

export const BILL_CUSTOMER = ['Billable', 'DoNotBill', 'NoCharge'] as const;

/** Defaults a new addition takes from its catalog item when the body leaves them out (§4.5, INFERRED). */
const FROM_PRODUCT: ReadonlyArray<[additionField: string, productField: string]> = [
  ['unitPrice', 'price'],
  ['unitCost', 'cost'],
  ['taxableFlag', 'taxableFlag'],
  ['invoiceDescription', 'customerDescription'],
];

function ruleErrors(row: Parameters<NonNullable<ResourceDef['validate']>>[0], w: WriteContext): FieldError[] {
  const { ctx } = w;
  const errors: FieldError[] = [];
  const product = ctx.state.tables.catalog.get(row.product as number);
  const productChanged = w.mode === 'create' || w.before?.product !== row.product;
  if (product && productChanged && product.productClass === 'Bundle') {
    errors.push({
      code: 'InvalidField',
      message: 'Bundle products cannot be added to an agreement.',
      field: 'product/id',
    });
  }
  if (
    product &&
    productChanged &&
    product.inactiveFlag === true &&
    ctx.rules.inactiveProductOnAddition === 'reject'
  ) {
    errors.push({
      code: 'InvalidField',
      message: `Product ${product.identifier} is inactive.`,
      field: 'product/id',
    });
  }
  const agreement = ctx.state.tables.agreements.get(row.agreementId as number);
  const status = agreement ? agreementStatus(agreement, ctx.clock.today()) : undefined;
  if ((status === 'Cancelled' || status === 'Expired') && ctx.rules.closedAgreementWrites === 'reject') {
    errors.push({ code: 'InvalidField', message: `The agreement is ${status}.`, field: 'agreementId' });
  }
  if (ctx.rules.negativeAmounts === 'reject') {
    for (const f of ['quantity', 'unitPrice', 'unitCost']) {
      if (typeof row[f] === 'number' && (row[f] as number) < 0) {
        errors.push({ code: 'OutOfRange', message: `The field ${f} must not be negative.`, field: f });
      }
    }
  }
  if (
    row.effectiveDate &&
    row.cancelledDate &&
    dayOf(row.cancelledDate as string) < dayOf(row.effectiveDate as string)
  ) {
    errors.push({
      code: 'InvalidField',
      message: 'The cancelled date must be on or after the effective date.',
      field: 'cancelledDate',
    });
  }
  return errors;
}

/** `/finance/agreements/{parentId}/additions` (§4.5): billing lines of an agreement. */
export const additions: ResourceDef = {
  key: 'additions',
  resourceName: 'addition',
  path: ['finance', 'agreements', ':parentId', 'additions'],
  parentField: 'agreementId',
  parentTable: 'agreements',
  fields: [
    id(),
    ref('product', REFS.catalogItem, { required: true }),
    num('quantity'),
    num('lessIncluded', { defaultValue: 0 }),
    num('unitPrice'),
    num('unitCost'),
    oneOf('billCustomer', BILL_CUSTOMER, { required: true }),
    date('effectiveDate'),
    date('cancelledDate'),
    bool('taxableFlag'),
    str('serialNumber', 50),
    str('invoiceDescription', 6000),
    bool('purchaseItemFlag', { defaultValue: false }),
    bool('specialOrderFlag', { defaultValue: false }),
    int('agreementId', { readOnly: true }),
    str('description', undefined, { readOnly: true }),
    num('billedQuantity', { readOnly: true }),
    str('uom', undefined, { readOnly: true }),
    num('extPrice', { readOnly: true }),
    num('extCost', { readOnly: true }),
    num('sequenceNumber'),
    num('margin', { readOnly: true }),
    num('prorateCost', { readOnly: true }),
    num('proratePrice', { readOnly: true }),
    num('extendedProrateCost', { readOnly: true }),
    num('extendedProratePrice', { readOnly: true }),
    bool('prorateCurrentPeriodFlag', { defaultValue: false }),
    oneOf('agreementStatus', ['Active', 'Cancelled', 'Expired', 'Inactive'], { readOnly: true }),
    custom(),
  ],
  prepare(row, w) {
    if (w.mode !== 'create') return;
    row.agreementId = w.parentId ?? null;
    const product = w.ctx.state.tables.catalog.get(row.product as number);
    for (const [field, from] of FROM_PRODUCT)
      if (!w.sent.has(field) && product) row[field] = product[from] ?? null;
    // UNVERIFIED default (§8 Q5): the day the line is entered. Clients should always send it.
    if (!w.sent.has('effectiveDate')) row.effectiveDate = midnight(w.ctx.clock.today());
    if (!w.sent.has('sequenceNumber')) {
      const siblings = w.ctx.state.tables.additions.byField('agreementId', row.agreementId);
      row.sequenceNumber = Math.max(0, ...siblings.map((a) => Number(a.sequenceNumber ?? 0))) + 1;
    }
  },
  validate: ruleErrors,
  compute: additionComputed,
};
