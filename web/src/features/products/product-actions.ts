import type { MantineColor } from '@mantine/core';
import type { RunLine } from '../../api/types';

export type ActionGroup = 'create' | 'link' | 'update' | 'collision' | 'error' | 'no-change';

/**
 * The planner's action words grouped for the filter: create / link (ConnectWise: an existing item with the SKU
 * code as vendor SKU) / update price or cost / collision / error / no change.
 */
export function actionGroup(line: Pick<RunLine, 'action' | 'status'>): ActionGroup {
  if (line.action === 'collision') return 'collision';
  if (line.action === 'create' || line.action === 'recreate') return 'create';
  if (line.action === 'link') return 'link';
  if (line.action.startsWith('update')) return 'update';
  if (line.action === 'no change' || line.status === 'no_change') return 'no-change';
  return 'error';
}

export const ACTION_GROUPS: { value: ActionGroup; label: string; color: MantineColor }[] = [
  { value: 'create', label: 'Create', color: 'green' },
  { value: 'link', label: 'Link', color: 'teal' },
  { value: 'update', label: 'Update', color: 'blue' },
  { value: 'collision', label: 'Collision', color: 'red' },
  { value: 'error', label: 'Error', color: 'red' },
  { value: 'no-change', label: 'No change', color: 'gray' },
];

/** `CFQ7TTC0LCHC|0002|P1Y|Monthly|Commercial|US|USD` -> its parts in words. */
export function describeOffer(offerKey: string | null): { sku: string; terms: string } {
  if (!offerKey) return { sku: '', terms: '' };
  const [productId, skuId, term, plan, segment, market, currency] = offerKey.split('|');
  const termWords =
    term === 'P1M' ? 'Monthly term' : term === 'P1Y' ? 'Annual term' : term === 'P3Y' ? '3-year term' : term;
  const planWords = plan ? `${plan.toLowerCase()} billing` : '';
  return {
    sku: productId && skuId ? `${productId}:${skuId}` : offerKey,
    terms: [termWords, planWords, segment, market, currency].filter(Boolean).join(' · '),
  };
}

/** The from/to of one field of a line (`unit price`, `unit cost`). */
export function changeOf(line: RunLine, field: string) {
  return line.changes.find((c) => c.field === field);
}
