import type { TargetChoice, TargetContext, TargetProductPlacement } from '../../core/ports/target';
import { allSettledOrThrow } from '../../http';
import type { ConnectWiseClient, Row } from './client';
import { idText, refId } from './quirks';

const byName = (a: TargetChoice, b: TargetChoice) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
const active = (row: Row) => row.inactiveFlag !== true;
const choice = (row: Row): TargetChoice => ({ id: idText(row.id), name: String(row.name ?? '') });

/**
 * The program settings' catalog choices (decision 0012): categories, their subcategories and the product types,
 * three list calls. A subcategory belongs to one category (§4.6): the catalog item's category follows from it,
 * so the category is only the form's filter.
 */
export async function readProductPlacement(
  client: ConnectWiseClient,
  ctx: TargetContext,
): Promise<TargetProductPlacement> {
  const [categories, subcategories, types] = await allSettledOrThrow([
    client.list(ctx, 'procurement/categories', { fields: ['id', 'name', 'inactiveFlag'] }),
    client.list(ctx, 'procurement/subcategories', { fields: ['id', 'name', 'category', 'inactiveFlag'] }),
    client.list(ctx, 'procurement/types', { fields: ['id', 'name', 'inactiveFlag'] }),
  ]);
  return {
    categories: categories.filter(active).map(choice).sort(byName),
    subcategories: subcategories
      .filter(active)
      .map((row) => ({ ...choice(row), categoryId: refId(row.category) ?? null }))
      .sort(byName),
    productTypes: types.filter(active).map(choice).sort(byName),
  };
}
