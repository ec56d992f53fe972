import type {
  PriceRule,
  PriceRuleInput,
  RuleBasis,
  RuleMethod,
  RuleOffers,
  RuleRounding,
} from '../../api/types';
import { isPlainDate } from '../../lib/format';

/** A customer a rule or a preview is for; null is every customer. */
export type CustomerChoice = { tenantId: string; name: string } | null;

export type OffersKind = RuleOffers['kind'];
export type Segment = Extract<RuleOffers, { kind: 'segment' }>['segment'];

export const SEGMENTS: readonly Segment[] = ['Commercial', 'Education', 'Charity', 'Government'];

export const OFFERS_KINDS: readonly { value: OffersKind; label: string }[] = [
  { value: 'all', label: 'All offers' },
  { value: 'segment', label: 'Segment' },
  { value: 'family', label: 'Product family (title starts with)' },
  { value: 'product', label: 'Product id' },
  { value: 'sku', label: 'SKU code' },
];

export const BASES: readonly { value: RuleBasis; label: string }[] = [
  { value: 'cost', label: 'Cost' },
  { value: 'retail', label: 'List retail' },
];

export const METHODS: readonly { value: RuleMethod; label: string; valueLabel: string; hint: string }[] = [
  { value: 'markup', label: 'Markup %', valueLabel: 'Markup (%)', hint: 'Price = basis × (1 + % / 100)' },
  { value: 'margin', label: 'Margin %', valueLabel: 'Margin (%)', hint: 'The margin is this % of the price' },
  {
    value: 'amount',
    label: 'Add amount',
    valueLabel: 'Amount per unit',
    hint: 'Added to the basis per unit and billing period; negative subtracts',
  },
  {
    value: 'fixed',
    label: 'Fixed price',
    valueLabel: 'Price per unit',
    hint: 'This price, whatever the basis',
  },
];

export const ROUNDINGS: readonly { value: RuleRounding; label: string }[] = [
  { value: 'cent', label: 'To the cent' },
  { value: 'x9', label: 'Up to .x9 (e.g. 23.49)' },
  { value: '99', label: 'Up to .99 (e.g. 23.99)' },
];

/** What the Add rule form holds: text as typed, turned into the API's rule by `ruleInputOf`. */
export interface RuleFormValues {
  customer: CustomerChoice;
  offersKind: OffersKind;
  segment: Segment;
  family: string;
  productId: string;
  sku: string;
  basis: RuleBasis;
  method: RuleMethod;
  value: string;
  rounding: RuleRounding;
  /** Empty: the first day of the next month. */
  validFrom: string;
  validTo: string;
  position: number;
  note: string;
}

export const EMPTY_RULE: RuleFormValues = {
  customer: null,
  offersKind: 'all',
  segment: 'Commercial',
  family: '',
  productId: '',
  sku: '',
  basis: 'cost',
  method: 'markup',
  value: '',
  rounding: 'cent',
  validFrom: '',
  validTo: '',
  position: 0,
  note: '',
};

function offersOf(v: RuleFormValues): RuleOffers {
  switch (v.offersKind) {
    case 'all':
      return { kind: 'all' };
    case 'segment':
      return { kind: 'segment', segment: v.segment };
    case 'family':
      return { kind: 'family', title: v.family.trim() };
    case 'product':
      return { kind: 'product', productId: v.productId.trim() };
    case 'sku':
      return { kind: 'sku', sku: v.sku.trim() };
  }
}

/** The rule the form describes, as the API takes it (empty dates left out: the server's defaults apply). */
export function ruleInputOf(v: RuleFormValues): PriceRuleInput {
  const from = v.validFrom.trim();
  const to = v.validTo.trim();
  return {
    ...(v.customer ? { customer: v.customer.tenantId } : {}),
    offers: offersOf(v),
    basis: v.basis,
    method: v.method,
    value: v.value.trim(),
    rounding: v.rounding,
    ...(from ? { validFrom: from } : {}),
    ...(to ? { validTo: to } : {}),
    position: v.position,
    note: v.note.trim(),
  };
}

/**
 * What the browser checks before asking the server (which checks everything again and says what to write): the
 * value is there and the dates are dates. Empty when the form may be sent.
 */
export function formProblems(v: RuleFormValues): Partial<Record<keyof RuleFormValues, string>> {
  const problems: Partial<Record<keyof RuleFormValues, string>> = {};
  if (!v.value.trim()) problems.value = 'Enter a number, e.g. 15 or 19.99';
  for (const field of ['validFrom', 'validTo'] as const) {
    const text = v[field].trim();
    if (text && !isPlainDate(text)) problems[field] = 'Enter the date as YYYY-MM-DD, e.g. 2026-01-01';
  }
  return problems;
}

/** Which offers a rule covers, in words: `All offers`, `SKU CFQ7TTC0LCHC:0002`, `Titles starting “Microsoft 365”`. */
export function offersText(offers: PriceRule['offers']): string {
  switch (offers.kind) {
    case 'all':
      return 'All offers';
    case 'segment':
      return `${offers.segment} segment`;
    case 'family':
      return `Titles starting “${offers.title}”`;
    case 'product':
      return `Product ${offers.productId}`;
    case 'sku':
      return `SKU ${offers.sku}`;
  }
}

/** `2026-01` -> `2026-01-01`: the first day of a contract period. */
export function periodStart(period: string): string {
  return `${period}-01`;
}

/** `2026-01` -> `2025-12-31`: the last day before a contract period. */
export function dayBeforePeriod(period: string): string {
  const [y, m] = period.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, 0)).toISOString().slice(0, 10);
}

/** The first day of the month after `today` (YYYY-MM-DD): when the next contract period starts. */
export function nextPeriodStart(today: string): string {
  const [y, m] = today.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, m ?? 1, 1)).toISOString().slice(0, 10);
}

/**
 * Whether removing the rule can still do something: one that ended before the next contract period stays as the
 * record of the prices it set (the server refuses to remove it).
 */
export function removable(rule: PriceRule, today: string): boolean {
  return rule.validTo === null || rule.validTo >= nextPeriodStart(today);
}
