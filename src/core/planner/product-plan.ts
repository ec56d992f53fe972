import { type OfferKey, offerKeyText, type PriceListEntry, skuCode } from '../model/source';
import { ZERO } from '../money/decimal';
import type { PlannedOperation, TargetProduct } from '../ports/target';
import type { PlainDate } from '../time/plain-date';
import { AZURE_PLAN_PRODUCT_ID, azurePlanOffer, canonicalOffer, isAzureOffer } from './azure-line';
import { NO_SOURCE_PRODUCT } from './customer-plan';
import { currentEntry } from './pricing';
import type { Plan, PlanItem, ProgramSettings } from './types';

export interface ProductPlanInput {
  asOf: PlainDate;
  settings: ProgramSettings;
  priceList: readonly PriceListEntry[];
  /** Offers on the invoices of customers whose sync is on (the "In Use" scope), with their titles. */
  inUse: readonly { offer: OfferKey; productTitle: string; skuTitle: string }[];
  /** The PSA's products (Autotask Services). */
  products: readonly TargetProduct[];
  /** offer key text -> PSA product id (Azure plan keys of any market are read as the canonical one). */
  links: ReadonlyMap<string, string>;
  /** Only these offers (canonical key texts): the products a customer sync needs before it can run. */
  only?: ReadonlySet<string> | undefined;
}

const OFFER_KEY_PARTS = 7;

/**
 * The canonical form of an offer key text (see `canonicalOffer`): an Azure plan key of any market becomes the
 * one key of its currency; other keys stay as they are.
 */
export function canonicalOfferKeyText(key: string): string {
  const parts = key.split('|');
  if (parts.length !== OFFER_KEY_PARTS || parts[0] !== AZURE_PLAN_PRODUCT_ID) return key;
  return offerKeyText(azurePlanOffer(parts[6]!, parts[1]!));
}

/**
 * Product links with Azure plan keys made canonical. A link stored under the canonical key wins; else the first
 * of the older per-market keys (in key order), so a product linked before Azure plan became one offer per
 * currency keeps being updated instead of being created a second time.
 */
export function canonicalLinks(links: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  const keys = [...links.keys()].sort((a, b) => {
    const ca = canonicalOfferKeyText(a) === a;
    const cb = canonicalOfferKeyText(b) === b;
    return ca === cb ? (a < b ? -1 : a > b ? 1 : 0) : ca ? -1 : 1;
  });
  for (const key of keys) {
    const canonical = canonicalOfferKeyText(key);
    if (!out.has(canonical)) out.set(canonical, links.get(key)!);
  }
  return out;
}

/** The PSA name of an offer's product: prefix + SKU code (`PC_CFQ7TTC0LCHC:0002`). */
export function productName(settings: Pick<ProgramSettings, 'namePrefix'>, offer: OfferKey): string {
  return `${settings.namePrefix}${skuCode(offer)}`;
}

function motionAllows(settings: ProgramSettings, offer: OfferKey): boolean {
  if (isAzureOffer(offer)) return settings.motions.azure;
  if (offer.billingPlan === 'Annual' || offer.billingPlan === 'Triennial') return settings.motions.annual;
  return settings.motions.monthly;
}

/**
 * Product sync (spec section 4, R-1..R-6): one PSA product per offer in scope, created once with retail, cost,
 * billing code, vendor, period and active; afterwards only price and cost follow the price list, by the linked id
 * (renames are fine). A deleted product is re-created; nothing is ever deleted or re-activated; a name taken by
 * an unlinked product is a collision the user resolves by adopting it.
 */
export function planProductSync(input: ProductPlanInput): Plan {
  const { settings } = input;
  // Azure plan: one canonical offer per currency, whatever market a recon line or price-list row names.
  const scope = new Map<string, { offer: OfferKey; title: string }>();
  const add = (raw: OfferKey, title: string) => {
    const offer = canonicalOffer(raw);
    if (motionAllows(settings, offer)) scope.set(offerKeyText(offer), { offer, title });
  };
  if (settings.mode === 'all') for (const e of input.priceList) add(e.offer, e.productTitle);
  for (const u of input.inUse) add(u.offer, u.productTitle);
  if (input.only) for (const key of [...scope.keys()]) if (!input.only.has(key)) scope.delete(key);
  const links = canonicalLinks(input.links);
  const byId = new Map(input.products.map((p) => [p.id, p]));
  const byName = new Map(input.products.map((p) => [p.name.toLowerCase(), p]));
  const linkedIds = new Set(input.links.values());
  const items: PlanItem[] = [];
  const operations: PlannedOperation[] = [];

  for (const [key, { offer, title }] of [...scope].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const name = productName(settings, offer);
    const item: PlanItem = {
      key,
      label: name,
      action: 'no change',
      status: 'no_change',
      messages: [],
      offerKey: key,
    };
    items.push(item);
    const entries = input.priceList.filter((e) => offerKeyText(e.offer) === key);
    const entry = isAzureOffer(offer) ? 'azure' : currentEntry(entries, input.asOf);
    if (entry === undefined || entry === 'ambiguous') {
      item.action = 'error';
      item.status = 'error';
      item.messages.push({ level: 'error', text: `${NO_SOURCE_PRODUCT} (${skuCode(offer)})` });
      continue;
    }
    // Azure plan has no seat price: its contract lines carry each month's usage totals instead (spec section 6).
    const price = entry === 'azure' ? ZERO : entry.retail.amount;
    const cost = entry === 'azure' ? ZERO : entry.cost.amount;
    const description =
      entry === 'azure' ? `Microsoft Azure plan (${AZURE_PLAN_PRODUCT_ID})` : entry.productTitle || title;
    const linkedId = links.get(key);
    const linked = linkedId ? byId.get(linkedId) : undefined;
    if (linked) {
      item.targetId = linked.id;
      const changes = [];
      if (!linked.unitPrice.eq(price))
        changes.push({ field: 'unit price', from: linked.unitPrice.toString(), to: price.toString() });
      if (!linked.unitCost.eq(cost))
        changes.push({ field: 'unit cost', from: linked.unitCost.toString(), to: cost.toString() });
      if (changes.length === 0) continue;
      item.changes = changes;
      item.action =
        changes.length === 2
          ? 'update price and cost'
          : changes[0]!.field === 'unit price'
            ? 'update price'
            : 'update cost';
      item.status = 'ok';
      if (!linked.active)
        item.messages.push({ level: 'info', text: 'The product is inactive in the PSA and stays inactive' });
      operations.push({
        kind: 'update-product-price',
        key: `product:${key}:price`,
        offerKey: key,
        productId: linked.id,
        from: { unitPrice: linked.unitPrice, unitCost: linked.unitCost },
        unitPrice: price,
        unitCost: cost,
      });
      continue;
    }
    const taken = byName.get(name.toLowerCase());
    if (taken && !linkedIds.has(taken.id)) {
      item.action = 'collision';
      item.status = 'error';
      item.targetId = taken.id;
      item.messages.push({
        level: 'error',
        text: `A product named ${taken.name} already exists in the PSA and is not linked to billsync: adopt it (link it to this offer) or rename it in the PSA`,
      });
      continue;
    }
    if (!settings.billingCodeId) {
      item.action = 'error';
      item.status = 'error';
      item.messages.push({
        level: 'error',
        text: 'No billing code is set in the program settings: choose one, then sync again',
      });
      continue;
    }
    item.action = linkedId ? 'recreate' : 'create';
    item.status = 'ok';
    if (linkedId)
      item.messages.push({
        level: 'info',
        text: 'The linked product was deleted in the PSA: it is created again',
      });
    item.changes = [
      { field: 'unit price', from: null, to: price.toString() },
      { field: 'unit cost', from: null, to: cost.toString() },
    ];
    operations.push({
      kind: 'create-product',
      key: `product:${key}:create`,
      offerKey: key,
      name,
      description,
      unitPrice: price,
      unitCost: cost,
      period: offer.billingPlan === 'Annual' ? 'yearly' : 'monthly',
      billingCodeId: settings.billingCodeId,
      vendorId: settings.vendorId,
    });
  }
  return { operations, items, invoiceIds: [] };
}
