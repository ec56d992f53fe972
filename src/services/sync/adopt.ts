import type { WorkspaceId } from '../../core/ids';
import { offerKeyText, skuCode } from '../../core/model/source';
import { canonicalOfferKeyText } from '../../core/planner/product-plan';
import { recordAudit } from '../../db/repos/audit';
import { listPriceEntries } from '../../db/repos/source-data';
import { getProgram, listLinks, saveLink, type TargetKind } from '../../db/repos/sync';
import { DEFAULT_PROGRAM } from '../../engine/program';
import { AppError } from '../errors';
import { type SyncDeps, TARGET_LABEL, withPsa } from './psa';

const KEY_PARTS = 7;

/**
 * The offer a person names: its key text (`CFQ7TTC0LCHC|0002|P1M|Monthly|Commercial|US|USD`), or its SKU code or
 * product name (`CFQ7TTC0LCHC:0002`, `PC_CFQ7TTC0LCHC:0002`) when exactly one price-list offer has it.
 */
async function resolveOffer(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  ref: string,
): Promise<string> {
  const text = ref.trim();
  if (text.split('|').length === KEY_PARTS) return text;
  const prefix = ((await getProgram(deps.pool, ws, target)) ?? DEFAULT_PROGRAM).namePrefix;
  const wanted = text.toLowerCase();
  const keys = new Set<string>();
  for (const e of await listPriceEntries(deps.pool, ws)) {
    const code = skuCode(e.offer).toLowerCase();
    if (code === wanted || `${prefix}${code}`.toLowerCase() === wanted)
      keys.add(canonicalOfferKeyText(offerKeyText(e.offer)));
  }
  if (keys.size === 1) return [...keys][0]!;
  if (keys.size === 0) {
    throw new AppError(
      'not_found',
      `No price-list offer is "${ref}": give the offer key shown in the product preview`,
    );
  }
  throw new AppError(
    'bad_request',
    `"${ref}" names ${keys.size} offers (${[...keys].join(', ')}): give the full offer key`,
  );
}

/**
 * Links an existing PSA product to an offer (the way out of a name collision, spec section 4): from then on
 * billsync updates that product's price and cost instead of creating one. Nothing is written to the PSA.
 */
export async function adoptProduct(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  input: { offer: string; productId: string },
  actor: string,
): Promise<{ offerKey: string; productId: string; productName: string }> {
  // Azure plan is one offer per currency whatever the market (the product preview shows that key).
  const offerKey = canonicalOfferKeyText(await resolveOffer(deps, ws, target, input.offer));
  const productId = input.productId.trim();
  const label = TARGET_LABEL[target];
  const snapshot = await withPsa(target, async () =>
    (await deps.openTarget(ws, target)).readState({}, { products: true }),
  );
  const product = snapshot.products.find((p) => p.id === productId);
  if (!product)
    throw new AppError('not_found', `${label} has no product ${productId}: check the id in ${label}`);
  const links = await listLinks(deps.pool, ws, target, 'product');
  for (const [key, id] of links) {
    if (id === productId && key !== offerKey) {
      throw new AppError(
        'conflict',
        `${product.name} is already linked to offer ${key}: each PSA product serves one offer`,
      );
    }
  }
  const current = links.get(offerKey);
  const currentProduct = current ? snapshot.products.find((p) => p.id === current) : undefined;
  if (currentProduct && currentProduct.id !== productId) {
    throw new AppError(
      'conflict',
      `Offer ${offerKey} is already linked to ${currentProduct.name} (${currentProduct.id}): billsync keeps that product updated`,
    );
  }
  await saveLink(deps.pool, ws, target, 'product', offerKey, productId);
  await recordAudit(deps.pool, {
    workspaceId: ws,
    actor,
    action: 'product.adopt',
    targetType: 'product',
    targetId: productId,
    details: { target, offerKey, productName: product.name },
  });
  return { offerKey, productId, productName: product.name };
}
