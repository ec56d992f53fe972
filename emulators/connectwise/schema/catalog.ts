import { cwError, MESSAGES } from '../http/errors';
import { bool, custom, defaultRow, id, int, num, oneOf, ref, str, taken } from './fields';
import { BILL_OPTIONS } from './finance-setup';
import { REFS } from './refs';
import { type FieldError, type ResourceDef, SINCE_2025 } from './types';

export const PRODUCT_CLASSES = ['Agreement', 'Bundle', 'Inventory', 'NonInventory', 'Service'] as const;

/** `/procurement/catalog` (§4.6, §5.5): the product catalog; `identifier` (the Product ID) is unique. */
export const catalog: ResourceDef = {
  key: 'catalog',
  resourceName: 'catalogItem',
  path: ['procurement', 'catalog'],
  fields: [
    id(),
    // 75 in the 2025.8 schema the emulated tenant runs (60 in 2022.1).
    str('identifier', 75, { required: true }),
    str('description', 60, { required: true }),
    bool('inactiveFlag', { defaultValue: false }),
    ref('subcategory', REFS.subcategory, { required: true }),
    ref('type', REFS.productType, { required: true }),
    oneOf('productClass', PRODUCT_CLASSES, { defaultValue: 'NonInventory' }),
    bool('serializedFlag', { defaultValue: false }),
    bool('serializedCostFlag', { defaultValue: false }),
    bool('phaseProductFlag', { defaultValue: false }),
    ref('unitOfMeasure', REFS.unitOfMeasure),
    int('minStockLevel'),
    num('price'),
    num('cost'),
    oneOf('priceAttribute', ['FixedFee', 'NotToExceed', 'OverrideRate', 'TimeAndMaterials']),
    bool('taxableFlag', { defaultValue: false }),
    bool('dropShipFlag', { defaultValue: false }),
    bool('specialOrderFlag', { defaultValue: false }),
    str('customerDescription', 6000, { required: true }),
    ref('manufacturer', REFS.manufacturer),
    str('manufacturerPartNumber', 50),
    ref('vendor', REFS.company, { hrefKey: 'company_href' }),
    str('vendorSku', 50),
    str('notes'),
    str('integrationXRef', 50),
    bool('recurringFlag', { defaultValue: false }),
    num('recurringRevenue'),
    num('recurringCost'),
    bool('recurringOneTimeFlag', { defaultValue: false }),
    ref('recurringBillCycle', REFS.billingCycle, { hrefKey: 'billingCycle_href' }),
    oneOf('recurringCycleType', ['ContractYear', 'CalendarYear']),
    bool('calculatedPriceFlag', { defaultValue: false }),
    bool('calculatedCostFlag', { defaultValue: false }),
    ref('category', REFS.category),
    num('calculatedPrice'),
    num('calculatedCost'),
    oneOf('billableOption', BILL_OPTIONS, { since: SINCE_2025 }),
    ref('agreementType', REFS.agreementType, { since: SINCE_2025, hrefKey: 'type_href' }),
    num('markupPercentage', { since: SINCE_2025 }),
    bool('markupFlag', { since: SINCE_2025 }),
    bool('autoUpdateUnitCostFlag', { since: SINCE_2025 }),
    bool('autoUpdateUnitPriceFlag', { since: SINCE_2025 }),
    custom(),
  ],
  prepare(row, w) {
    const t = w.ctx.state.tables;
    // A subcategory belongs to one category: the server can derive it (§4.6, INFERRED).
    if ((row.category === null || row.category === undefined) && row.subcategory !== null) {
      row.category = t.subcategories.get(row.subcategory as number)?.category ?? null;
    }
    if (w.mode === 'create' && !w.sent.has('unitOfMeasure')) {
      row.unitOfMeasure = defaultRow(w.ctx, 'unitOfMeasures')?.id ?? null;
    }
  },
  validate(row, w) {
    const t = w.ctx.state.tables;
    const errors: FieldError[] = [];
    if (taken(w.ctx, 'catalog', 'identifier', row)) {
      errors.push({ code: 'ObjectExists', message: MESSAGES.productIdInUse, field: 'identifier' });
    }
    const sub = t.subcategories.get(row.subcategory as number);
    if (sub && row.category !== null && sub.category !== row.category) {
      errors.push({
        code: 'InvalidField',
        message: `Subcategory ${sub.name} does not belong to the category.`,
        field: 'subcategory/id',
      });
    }
    // Both fields get the same error, as observed (ConnectWiseManageAPI issue #53).
    if (row.recurringFlag === true && row.recurringBillCycle === null && row.recurringOneTimeFlag !== true) {
      errors.push(
        {
          code: 'MissingRequiredField',
          message: MESSAGES.recurringNeedsCycle,
          field: 'recurringOneTimeFlag',
        },
        {
          code: 'MissingRequiredField',
          message: MESSAGES.recurringNeedsCycle,
          field: 'recurringBillCycle/id',
        },
      );
    }
    if (row.vendor !== null && row.vendor !== undefined) {
      const vendor = t.companies.get(row.vendor as number);
      const isVendor = (vendor?.types as number[] | undefined)?.some(
        (id) => t.companyTypes.get(id)?.vendorFlag,
      );
      if (!isVendor) {
        errors.push({
          code: 'InvalidField',
          message: 'The vendor must be a company of a vendor type.',
          field: 'vendor/id',
        });
      }
    }
    return errors;
  },
  onDelete(ctx, row) {
    for (const a of ctx.state.tables.additions.values()) {
      if (a.product === row.id)
        throw cwError(409, 'InUse', `Product ${row.identifier} is used on agreement additions.`);
    }
    return undefined;
  },
};
