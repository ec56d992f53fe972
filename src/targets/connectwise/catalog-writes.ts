import { IntegrationError } from '../../core/integration-error';
import type { Applied, PlannedOperation, TargetContext } from '../../core/ports/target';
import type { ConnectWiseClient, Row } from './client';
import { FIELDS } from './mapping';
import {
  CATALOG_DESCRIPTION_MAX,
  fitText,
  idText,
  jsonDecimal,
  quote,
  skuCodeOfKey,
  toJsonNumber,
  wireId,
} from './quirks';

type Op<K extends PlannedOperation['kind']> = Extract<PlannedOperation, { kind: K }>;

/** Where new catalog items go (program settings for ConnectWise; default: the tenant's "Miscellaneous" rows). */
export interface CatalogDefaults {
  subcategoryId?: string | undefined;
  typeId?: string | undefined;
  /** "Set new products taxable" (spec section 3). */
  taxable?: boolean | undefined;
}

export interface CatalogSetup {
  resolve(ctx: TargetContext): Promise<{ subcategory: number; type: number; taxable: boolean }>;
}

/** Resolves the configured (or "Miscellaneous") subcategory and product type once per adapter. */
export function createCatalogSetup(client: ConnectWiseClient, defaults: CatalogDefaults): CatalogSetup {
  let found: Promise<{ subcategory: number; type: number; taxable: boolean }> | undefined;
  const pick = async (ctx: TargetContext, path: string, configured: string | undefined, what: string) => {
    if (configured) return wireId(configured, what);
    const rows = await client.list(ctx, path, { conditions: 'name="Miscellaneous"', fields: ['id', 'name'] });
    const first = rows[0];
    if (!first) {
      throw new IntegrationError({
        kind: 'validation',
        vendor: 'connectwise',
        message: `No ${what} is set in the program settings and the tenant has no "Miscellaneous" ${what}: choose one`,
      });
    }
    return Number(first.id);
  };
  return {
    resolve(ctx) {
      found ??= (async () => ({
        subcategory: await pick(
          ctx,
          'procurement/subcategories',
          defaults.subcategoryId,
          'product subcategory',
        ),
        type: await pick(ctx, 'procurement/types', defaults.typeId, 'product type'),
        taxable: defaults.taxable ?? false,
      }))().catch((error) => {
        found = undefined;
        throw error;
      });
      return found;
    },
  };
}

/** Catalog items whose vendor SKU is the offer's SKU code, inactive ones included (§5.5). */
export function findBySku(client: ConnectWiseClient, ctx: TargetContext, sku: string): Promise<Row[]> {
  return client.list(ctx, 'procurement/catalog', {
    conditions: `vendorSku=${quote(sku)}`,
    fields: FIELDS.catalog,
  });
}

function several(sku: string, rows: readonly Row[]): IntegrationError {
  return new IntegrationError({
    kind: 'validation',
    vendor: 'connectwise',
    message: `${rows.length} catalog items have the vendor SKU ${sku} (ids ${rows.map((r) => String(r.id)).join(', ')}): keep one, or clear the vendor SKU of the others`,
  });
}

function pricePatch(
  row: Row,
  price: Op<'create-product'>['unitPrice'],
  cost: Op<'create-product'>['unitCost'],
) {
  const ops = [];
  if (!(jsonDecimal(row.price)?.eq(price) ?? false))
    ops.push({ op: 'replace' as const, path: 'price', value: toJsonNumber(price) });
  if (!(jsonDecimal(row.cost)?.eq(cost) ?? false))
    ops.push({ op: 'replace' as const, path: 'cost', value: toJsonNumber(cost) });
  return ops;
}

/**
 * create-product (decision 0012, spec section 4): the item whose vendor SKU is the SKU code is linked (its
 * price and cost set); several are an item error; none: POST identifier = vendor SKU = SKU code. The look-up
 * is also what makes a re-sent create safe: a create whose answer was lost is found and linked.
 */
export async function createProduct(
  client: ConnectWiseClient,
  setup: CatalogSetup,
  ctx: TargetContext,
  op: Op<'create-product'>,
): Promise<Applied> {
  const sku = skuCodeOfKey(op.offerKey);
  const matches = await findBySku(client, ctx, sku);
  if (matches.length > 1) throw several(sku, matches);
  const match = matches[0];
  if (match) {
    const ops = pricePatch(match, op.unitPrice, op.unitCost);
    if (ops.length) await client.patch(ctx, `procurement/catalog/${idText(match.id)}`, ops);
    return { targetId: idText(match.id) };
  }
  const where = await setup.resolve(ctx);
  const title = op.description || sku;
  const created = await client.post(ctx, 'procurement/catalog', {
    identifier: sku,
    vendorSku: sku,
    description: fitText(title, CATALOG_DESCRIPTION_MAX),
    customerDescription: title,
    subcategory: { id: where.subcategory },
    type: { id: where.type },
    price: toJsonNumber(op.unitPrice),
    cost: toJsonNumber(op.unitCost),
    taxableFlag: where.taxable,
    productClass: 'NonInventory',
    ...(op.vendorId !== undefined ? { vendor: { id: wireId(op.vendorId, 'vendor id') } } : {}),
  });
  return { targetId: typeof created.id === 'number' ? String(created.id) : undefined };
}

export async function probeCreateProduct(
  client: ConnectWiseClient,
  ctx: TargetContext,
  op: Op<'create-product'>,
): Promise<Applied | 'absent'> {
  const sku = skuCodeOfKey(op.offerKey);
  const matches = await findBySku(client, ctx, sku);
  if (matches.length > 1) throw several(sku, matches);
  return matches[0] ? { targetId: idText(matches[0].id) } : 'absent';
}

/** update-product-price: PATCH price and cost only (absolute values, safe to repeat); renames stay the user's. */
export async function updateProductPrice(
  client: ConnectWiseClient,
  ctx: TargetContext,
  op: Op<'update-product-price'>,
): Promise<Applied> {
  const id = wireId(op.productId, 'catalog item id');
  await client.patch(ctx, `procurement/catalog/${id}`, [
    { op: 'replace', path: 'price', value: toJsonNumber(op.unitPrice) },
    { op: 'replace', path: 'cost', value: toJsonNumber(op.unitCost) },
  ]);
  return { targetId: op.productId };
}

export async function probeUpdateProductPrice(
  client: ConnectWiseClient,
  ctx: TargetContext,
  op: Op<'update-product-price'>,
): Promise<Applied | 'absent'> {
  const id = wireId(op.productId, 'catalog item id');
  const row = await client.get(ctx, `procurement/catalog/${id}`, { fields: 'id,price,cost' });
  return pricePatch(row, op.unitPrice, op.unitCost).length === 0 ? { targetId: op.productId } : 'absent';
}
