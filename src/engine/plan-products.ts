import type { WorkspaceId } from '../core/ids';
import { type OfferKey, offerKeyText } from '../core/model/source';
import { canonicalLinks, planProductSync } from '../core/planner/product-plan';
import type { Plan } from '../core/planner/types';
import type { TargetAdapter, TargetSnapshot } from '../core/ports/target';
import type { PlainDate } from '../core/time/plain-date';
import { listPriceRules } from '../db/repos/price-rules';
import { listPriceEntries } from '../db/repos/source-data';
import { listLinks, type StoredProgram, type TargetKind } from '../db/repos/sync';
import { inUseOffers } from '../db/repos/sync-source';
import type { EngineDeps } from './deps';
import { toProgramSettings } from './program';

/** Snapshot both sides and plan the product sync (nothing is written). */
export async function planProducts(
  deps: EngineDeps,
  ws: WorkspaceId,
  target: TargetKind,
  program: StoredProgram,
  adapter: TargetAdapter,
  asOf: PlainDate,
  /** Only the products these customers need (offer keys they use that have no product yet). */
  forTenants?: readonly string[],
): Promise<{ plan: Plan; snapshot: TargetSnapshot }> {
  const [priceList, inUse, links, snapshot, priceRules] = await Promise.all([
    listPriceEntries(deps.pool, ws),
    inUseOffers(deps.pool, ws, target, asOf, forTenants),
    listLinks(deps.pool, ws, target, 'product'),
    adapter.readState({}, { products: true }),
    listPriceRules(deps.pool, ws),
  ]);
  const plan = planProductSync({
    asOf,
    settings: toProgramSettings(program),
    priceList,
    inUse,
    products: snapshot.products,
    productRules: snapshot.productRules,
    priceRules,
    links,
    only: forTenants ? missingProducts(inUse, links) : undefined,
  });
  return { plan, snapshot };
}

/** The in-use offers that have no product link yet (canonical keys). */
export function missingProducts(
  inUse: readonly { offer: OfferKey }[],
  links: ReadonlyMap<string, string>,
): Set<string> {
  const linked = canonicalLinks(links);
  return new Set(inUse.map((u) => offerKeyText(u.offer)).filter((key) => !linked.has(key)));
}
