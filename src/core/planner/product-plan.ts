import { type OfferKey, offerKeyText, type PriceListEntry, skuCode } from '../model/source';
import { type Decimal, ZERO } from '../money/decimal';
import {
  DEFAULT_PRODUCT_RULES,
  type PlannedOperation,
  type TargetProduct,
  type TargetProductRules,
} from '../ports/target';
import { applyRule, type PriceRule, winningRule } from '../price-rules/rules';
import type { PlainDate } from '../time/plain-date';
import { AZURE_PLAN_PRODUCT_ID, azurePlanOffer, canonicalOffer, isAzureOffer } from './azure-line';
import { NO_SOURCE_PRODUCT } from './customer-plan';
import { currentEntry, entriesOfOffer } from './pricing';
import { productName } from './product-name';

export { productName } from './product-name';

import type { Plan, PlanItem, ProgramSettings } from './types';

export interface ProductPlanInput {
  asOf: PlainDate;
  settings: ProgramSettings;
  priceList: readonly PriceListEntry[];
  /** Offers on the invoices of customers whose sync is on (the "In Use" scope), with their titles. */
  inUse: readonly { offer: OfferKey; productTitle: string; skuTitle: string }[];
  /** The PSA's products (Autotask Services, ConnectWise catalog items). */
  products: readonly TargetProduct[];
  /** How the PSA names and finds products (the snapshot's; undefined = `DEFAULT_PRODUCT_RULES`). */
  productRules?: TargetProductRules | undefined;
  /** offer key text -> PSA product id (Azure plan keys of any market are read as the canonical one). */
  links: ReadonlyMap<string, string>;
  /** The workspace's price rules: those for every customer set the product's retail (decision 0013). */
  priceRules?: readonly PriceRule[] | undefined;
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

/**
 * The products whose vendor SKU is the offer's SKU code (ConnectWise: linked instead of created; spec section 4),
 * compared without case as the PSA's query does.
 */
function vendorSkuMatches(products: readonly TargetProduct[], sku: string): TargetProduct[] {
  const want = sku.toLowerCase();
  return products.filter((p) => p.vendorSku !== undefined && p.vendorSku.toLowerCase() === want);
}

/** "US, USD": the market and currency an offer is sold in (Azure plan: its currency). */
function offerMarket(offer: OfferKey): string {
  return isAzureOffer(offer) ? offer.currency : `${offer.market}, ${offer.currency}`;
}

/**
 * The PSA name of each offer in scope (spec section 4: prefix + SKU code). One SKU sold in several markets or
 * currencies is several offers (their prices differ), each its own PSA product (one product per offer, like the
 * links): the home offer keeps the plain name, the others get their market and currency after it
 * (`PC_CFQ7TTC0LCHC:0002 (CA, CAD)`), so billsync never collides with itself. The home offer is the one already
 * linked to the product of the plain name, else the one in the currency most offers in scope use (the MSP's own),
 * else the first by key. ConnectWise finds a catalog item by its vendor SKU instead of its name: every market of
 * a SKU links to that one item, whose price follows the home offer (`home`).
 */
function namesOf(
  scope: ReadonlyMap<string, { offer: OfferKey }>,
  settings: ProgramSettings,
  rules: TargetProductRules,
  links: ReadonlyMap<string, string>,
  byName: ReadonlyMap<string, TargetProduct>,
): Map<string, { name: string; home: string | undefined }> {
  const groups = new Map<string, string[]>();
  for (const [key, { offer }] of scope) {
    const plain = productName(settings, offer, rules).toLowerCase();
    groups.set(plain, [...(groups.get(plain) ?? []), key]);
  }
  const currencies = new Map<string, number>();
  for (const { offer } of scope.values())
    currencies.set(offer.currency, (currencies.get(offer.currency) ?? 0) + 1);
  const out = new Map<string, { name: string; home: string | undefined }>();
  for (const [plain, keys] of groups) {
    const sorted = [...keys].sort();
    const holder = byName.get(plain);
    const holding = sorted.filter((k) => holder !== undefined && links.get(k) === holder.id);
    const home = [...(holding.length ? holding : sorted)].sort(
      (a, b) =>
        (currencies.get(scope.get(b)!.offer.currency) ?? 0) -
        (currencies.get(scope.get(a)!.offer.currency) ?? 0),
    )[0]!;
    for (const key of sorted) {
      const offer = scope.get(key)!.offer;
      const name = productName(settings, offer, rules);
      if (sorted.length === 1 || key === home) out.set(key, { name, home: undefined });
      else if (rules.linkByVendorSku) out.set(key, { name, home });
      else out.set(key, { name: `${name} (${offerMarket(offer)})`, home: undefined });
    }
  }
  return out;
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
  const rules = input.productRules ?? DEFAULT_PRODUCT_RULES;
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
  const linkedOffer = new Map([...links].map(([k, id]) => [id, k]));
  const items: PlanItem[] = [];
  const operations: PlannedOperation[] = [];
  const names = namesOf(scope, settings, rules, links, byName);
  // ConnectWise: other markets of a SKU link to the home offer's item once its operation ran, at its price.
  const linkAfter: {
    op: PlannedOperation & { kind: 'create-product' };
    home: string;
    match?: TargetProduct | undefined;
  }[] = [];
  const homePrice = new Map<string, { unitPrice: Decimal; unitCost: Decimal }>();

  for (const [key, { offer, title }] of [...scope].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const { name, home } = names.get(key)!;
    const item: PlanItem = {
      key,
      label: name,
      action: 'no change',
      status: 'no_change',
      messages: [],
      offerKey: key,
    };
    items.push(item);
    const entries = entriesOfOffer(input.priceList, key);
    const entry = isAzureOffer(offer) ? 'azure' : currentEntry(entries, input.asOf);
    if (entry === undefined || entry === 'ambiguous') {
      item.action = 'error';
      item.status = 'error';
      item.messages.push({ level: 'error', text: `${NO_SOURCE_PRODUCT} (${skuCode(offer)})` });
      continue;
    }
    // Azure plan has no seat price: its contract lines carry each month's usage totals instead (spec section 6).
    // A price rule for every customer sets the product's retail on `asOf` (customer rules set contract lines).
    const rule =
      entry === 'azure'
        ? undefined
        : winningRule(
            input.priceRules ?? [],
            undefined,
            { offer, productTitle: entry.productTitle || title },
            input.asOf,
          );
    const price =
      entry === 'azure'
        ? ZERO
        : rule
          ? applyRule(rule, entry.cost.amount, entry.retail.amount)
          : entry.retail.amount;
    const cost = entry === 'azure' ? ZERO : entry.cost.amount;
    const description =
      entry === 'azure' ? `Microsoft Azure plan (${AZURE_PLAN_PRODUCT_ID})` : entry.productTitle || title;
    homePrice.set(key, { unitPrice: price, unitCost: cost });
    const linkedId = links.get(key);
    const linked = linkedId ? byId.get(linkedId) : undefined;
    if (linked && home !== undefined && links.get(home) === linked.id) {
      // ConnectWise links every market of a SKU to the one catalog item with that vendor SKU: its price and cost
      // follow the home offer only (else each market would set its own on every run).
      item.targetId = linked.id;
      item.messages.push({
        level: 'info',
        text: `${linked.name} also serves ${offerMarket(offer)}: its price and cost follow ${offerMarket(scope.get(home)!.offer)}; this market's customers get their own prices on their contract lines`,
      });
      continue;
    }
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
    const create: PlannedOperation & { kind: 'create-product' } = {
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
    };
    if (rules.linkByVendorSku) {
      // ConnectWise (decision 0012): an item that already carries the SKU code as vendor SKU is the offer's
      // product. The create operation links it (the adapter finds it by vendor SKU and sets price and cost).
      const matches = vendorSkuMatches(input.products, skuCode(offer));
      if (matches.length > 1) {
        item.action = 'error';
        item.status = 'error';
        item.messages.push({
          level: 'error',
          text: `${matches.length} products have the vendor SKU ${skuCode(offer)} (${matches.map((m) => `${m.name}, id ${m.id}`).join('; ')}): keep one, or clear the vendor SKU of the others`,
        });
        continue;
      }
      const match = matches[0];
      if (home !== undefined) {
        // Another market of the SKU: linked to the item of the home offer as it is (its price follows the home
        // offer), after the home offer's own operation (which may create the item in this very run).
        item.action = 'link';
        item.status = 'ok';
        if (match) item.targetId = match.id;
        item.messages.push({
          level: 'info',
          text: `The catalog item with the vendor SKU ${skuCode(offer)} is linked to this offer too (${offerMarket(offer)}); its price and cost follow ${offerMarket(scope.get(home)!.offer)}`,
        });
        linkAfter.push({ op: create, home, match });
        continue;
      }
      if (match) {
        item.action = 'link';
        item.status = 'ok';
        item.targetId = match.id;
        item.messages.push({
          level: 'info',
          text: `${match.name} already has the vendor SKU ${skuCode(offer)}: it is linked to this offer instead of creating a product${match.active ? '' : ' (it is inactive and stays inactive)'}`,
        });
        item.changes = [
          { field: 'unit price', from: match.unitPrice.toString(), to: price.toString() },
          { field: 'unit cost', from: match.unitCost.toString(), to: cost.toString() },
        ];
        operations.push(create);
        continue;
      }
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
    if (taken && linkedOffer.get(taken.id) !== key) {
      // Named like the product of another offer (its name was given to this one since): creating it would be
      // refused by the PSA on every run.
      item.action = 'collision';
      item.status = 'error';
      item.targetId = taken.id;
      item.messages.push({
        level: 'error',
        text: `The product ${taken.name} is linked to offer ${linkedOffer.get(taken.id)}: rename it in the PSA, then sync again`,
      });
      continue;
    }
    if (rules.needsBillingCode && !settings.billingCodeId) {
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
    operations.push(create);
  }
  for (const { op, home, match } of linkAfter) {
    const price = match
      ? { unitPrice: match.unitPrice, unitCost: match.unitCost }
      : (homePrice.get(home) ?? { unitPrice: op.unitPrice, unitCost: op.unitCost });
    operations.push({ ...op, ...price });
  }
  return { operations, items, invoiceIds: [] };
}
