import { bool, id, oneOf, ref, str } from './fields';
import { REFS } from './refs';
import type { ResourceDef } from './types';

/** `/procurement/categories` (§4.7). */
export const categories: ResourceDef = {
  key: 'categories',
  resourceName: 'category',
  path: ['procurement', 'categories'],
  fields: [
    id(),
    str('name', 50, { required: true }),
    bool('inactiveFlag', { defaultValue: false }),
    str('priceLevelXref', 10),
    str('integrationXref', 50),
    bool('defaultFlag', { defaultValue: false }),
  ],
};

/** `/procurement/subcategories` (published with a trailing slash; both forms answer). */
export const subcategories: ResourceDef = {
  key: 'subcategories',
  resourceName: 'subCategory',
  path: ['procurement', 'subcategories'],
  fields: [
    id(),
    str('name', 50, { required: true }),
    bool('inactiveFlag', { defaultValue: false }),
    str('integrationXref', 50),
    bool('defaultFlag', { defaultValue: false }),
    ref('category', REFS.category, { required: true }),
  ],
};

/** `/procurement/types` (§4.7 ProductType). */
export const productTypes: ResourceDef = {
  key: 'productTypes',
  resourceName: 'productType',
  path: ['procurement', 'types'],
  fields: [
    id(),
    str('name', 50, { required: true }),
    bool('inactiveFlag', { defaultValue: false }),
    oneOf('typeXref', ['InventoryPart', 'NonInventoryPart', 'OtherCharge', 'Service']),
    bool('defaultFlag', { defaultValue: false }),
  ],
};

/** `/procurement/manufacturers`. */
export const manufacturers: ResourceDef = {
  key: 'manufacturers',
  resourceName: 'manufacturer',
  path: ['procurement', 'manufacturers'],
  fields: [id(), str('name', 50, { required: true }), bool('inactiveFlag', { defaultValue: false })],
};

/** `/procurement/unitOfMeasures`. */
export const unitOfMeasures: ResourceDef = {
  key: 'unitOfMeasures',
  resourceName: 'unitOfMeasure',
  path: ['procurement', 'unitOfMeasures'],
  fields: [
    id(),
    str('name', 50, { required: true }),
    bool('inactiveFlag', { defaultValue: false }),
    bool('defaultFlag', { defaultValue: false }),
    str('uomScheduleXref', 31),
  ],
};
