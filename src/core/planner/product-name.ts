import { type OfferKey, skuCode } from '../model/source';
import { DEFAULT_PRODUCT_RULES, type TargetProductRules } from '../ports/target';
import type { ProgramSettings } from './types';

/**
 * The PSA name of an offer's product (spec section 4): prefix + SKU code (`PC_CFQ7TTC0LCHC:0002`, Autotask), or
 * the SKU code alone (a ConnectWise catalog identifier).
 */
export function productName(
  settings: Pick<ProgramSettings, 'namePrefix'>,
  offer: OfferKey,
  rules: Pick<TargetProductRules, 'naming'> = DEFAULT_PRODUCT_RULES,
): string {
  return rules.naming === 'sku' ? skuCode(offer) : `${settings.namePrefix}${skuCode(offer)}`;
}
