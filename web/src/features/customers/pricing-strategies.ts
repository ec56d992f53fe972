import type { PricingStrategy } from '../../api/types';

/** The four pricing strategies of a mapping, with the spec's names (section 5). */
export const PRICING_STRATEGIES: {
  value: PricingStrategy;
  label: string;
  short: string;
  description: string;
}[] = [
  {
    value: 'cost-and-retail',
    label: 'Sync cost and retail pricing',
    short: 'Cost + retail',
    description: 'Quantities, unit cost and unit price follow the invoice (default).',
  },
  {
    value: 'cost-only',
    label: 'Only sync cost pricing',
    short: 'Cost only',
    description: "Quantities and unit cost; the PSA's unit price is left as it is.",
  },
  {
    value: 'none',
    label: "Don't sync any pricing",
    short: 'No pricing',
    description: 'Quantities only.',
  },
  {
    value: 'none-on-update',
    label: "Don't sync any pricing when updating",
    short: 'No pricing on update',
    description: 'Prices on the contract lines billsync creates; quantities only on existing ones.',
  },
];

export function strategyOf(value: PricingStrategy | null) {
  return PRICING_STRATEGIES.find((s) => s.value === value);
}
