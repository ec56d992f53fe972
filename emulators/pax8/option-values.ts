import { type Accepts, type Checked, mergeSwitches } from '../kit';
import { type Pax8Rules, SWITCH_VALUES } from './options';

const RULE_VALUES: Record<keyof Pax8Rules, Accepts> = {
  ...(Object.fromEntries(
    Object.entries(SWITCH_VALUES).map(([k, v]) => [k, { oneOf: v }]),
  ) as unknown as Record<keyof typeof SWITCH_VALUES, Accepts>),
  tokenTtlSeconds: { number: { integer: true, min: 1 } },
  invoiceReleaseDay: { number: { integer: true, min: 1 } },
};

export function mergeRules(current: Pax8Rules, patch: unknown): Checked<Pax8Rules> {
  const merged = mergeSwitches('rules', RULE_VALUES, current, patch);
  if (merged.ok && merged.value.invoiceReleaseDay > 28)
    return { ok: false, error: 'rules.invoiceReleaseDay: must be 1..28' };
  return merged;
}
