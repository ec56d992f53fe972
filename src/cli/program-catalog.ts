import type { ProgramPatch, ProgramView } from '../services/sync';
import type { ProgramOptionsWire } from '../services/sync/program-schemas';
import { parseOnOff, usage } from './exit';
import { type ProgramSetOptions, programPatchOf } from './program-text';

// `billsync program --target connectwise`: where new catalog items go (decision 0012). Kept apart from the
// Autotask-shaped flags of program-text.ts; the service stores them as `catalog` and rejects them for Autotask.

export interface CatalogFlags {
  category?: string;
  subcategory?: string;
  productType?: string;
  taxable?: string;
}

const NONE = new Set(['none', 'off', '']);
const idOrNone = (value: string) => (NONE.has(value.trim().toLowerCase()) ? null : value.trim());

/** The catalog flags given, as the `catalog` part of a settings change (undefined: none given). */
export function catalogPatchOf(o: CatalogFlags): ProgramPatch['catalog'] {
  const catalog: NonNullable<ProgramPatch['catalog']> = {};
  if (o.category !== undefined) catalog.categoryId = idOrNone(o.category);
  if (o.subcategory !== undefined) catalog.subcategoryId = idOrNone(o.subcategory);
  if (o.productType !== undefined) catalog.typeId = idOrNone(o.productType);
  if (o.taxable !== undefined) catalog.taxable = parseOnOff('--taxable', o.taxable);
  return Object.keys(catalog).length > 0 ? catalog : undefined;
}

/** All the flags of `program set` as one settings change; catalog flags alone are a change too. */
export function programSetPatchOf(o: ProgramSetOptions & CatalogFlags): ProgramPatch {
  const catalog = catalogPatchOf(o);
  const { category: _c, subcategory: _s, productType: _p, taxable: _t, ...rest } = o;
  const others = Object.entries(rest).some(
    ([k, v]) => k !== 'target' && k !== 'workspace' && v !== undefined,
  );
  if (!catalog) return programPatchOf(rest);
  if (o.target.trim().toLowerCase() !== 'connectwise') {
    throw usage('--category, --subcategory, --product-type and --taxable are for --target connectwise only');
  }
  return others ? { ...programPatchOf(rest), catalog } : { catalog };
}

/** The catalog placement in words, for `program show` on ConnectWise (empty for Autotask). */
export function catalogText(v: ProgramView): string[] {
  if (v.target !== 'connectwise') return [];
  const c = v.settings.catalog;
  return [
    `  Catalog category:    ${c?.categoryId ?? '(default: Miscellaneous)'}`,
    `  Subcategory:         ${c?.subcategoryId ?? '(default: Miscellaneous)'}`,
    `  Product type:        ${c?.typeId ?? '(default: Miscellaneous)'}`,
    `  New items taxable:   ${c?.taxable ? 'on' : 'off'}`,
  ];
}

type Placement = NonNullable<ProgramOptionsWire['placement']>;

/** The choices of the catalog flags, for `program options` on ConnectWise. */
export function placementRows(p: Placement | undefined): { title: string; rows: string[][] }[] {
  if (!p) return [];
  const category = new Map(p.categories.map((c) => [c.id, c.name]));
  return [
    { title: 'Catalog categories (--category):', rows: p.categories.map((c) => [c.id, c.name]) },
    {
      title: 'Subcategories (--subcategory):',
      rows: p.subcategories.map((s) => [
        s.id,
        s.name,
        s.categoryId ? (category.get(s.categoryId) ?? '') : '',
      ]),
    },
    { title: 'Product types (--product-type):', rows: p.productTypes.map((t) => [t.id, t.name]) },
  ];
}
