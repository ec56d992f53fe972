/**
 * Switches of the emulated Pax8 Partner API. Every behaviour the research notes
 * (`../shared/reference/pax8-api.md`, "§" below) mark UNVERIFIED and that matters to a billing client is a switch,
 * settable at creation and at run time (`PUT /_emulator/rules`). Each default is the reading the notes lean to;
 * the README's "Switches" table and `docs/vendors/pax8.md` give the evidence.
 */
export interface Pax8Rules {
  /**
   * How a mid-period quantity change (increase, decrease, a start or a cancellation after the period began) shows
   * on the next invoice (§3.2): one `prorate` line for the delta, or the remaining days re-rated as `subscription`
   * lines described "Mon Partial: …" (a credit of the old quantity and a charge of the new one).
   */
  midPeriodChange: 'prorate-line' | 'partial-period';
  /** Decreases and cancellations (§3.2): negative quantities and amounts, or positive ones typed `service-credit`. */
  creditSign: 'negative' | 'credit-type';
  /** Annual-billed subscriptions (§3.2): one line for the whole term up front, or one line a month (a twelfth). */
  annualBilling: 'term-line' | 'monthly';
  /** Azure on the invoice (§3.2): one `Arrears` line per Azure subscription and month, or one per meter. */
  azureLines: 'per-subscription' | 'per-meter';
  /** `endPeriod` of an item (§1.7: the two examples disagree): the last day of the period, or the day after it. */
  endPeriod: 'inclusive' | 'exclusive';
  /** `size` above 200 on a list (§1.4): clamped to 200, or refused with 400. */
  oversize: 'clamp' | 'reject';
  /** `Subscription.price` (§2.4, pax8-cli #711): the customer price the spec describes, or the partner's buy rate. */
  subscriptionPrice: 'customer' | 'partner-cost';
  /** `GET /subscriptions/{id}/history` order (§2.4, undocumented; the example is newest first). */
  historyOrder: 'newest-first' | 'oldest-first';
  /** What `Invoice.total` sums (§2.7 UNVERIFIED): the items' `costTotal` (what the partner owes) or their customer `total`. */
  invoiceTotal: 'partner-cost' | 'customer';
  /** `rateType` on items (§2.7): bare `single` as both examples send, or the spec's long enum text. */
  rateType: 'bare' | 'spec-enum';
  /** An invoice list with no results (§1.4 CODE, pax8-cli #705): `content` omitted, or `content: []`. */
  emptyInvoiceList: 'omit-content' | 'empty-content';
  /** The legacy audience `api://p8p.client` (§1.2: older docs and most clients): accepted, or refused like an unknown one. */
  legacyAudience: 'accept' | 'reject';
  /** `Retry-After` on a 429 (§1.3: none documented): sent, or omitted. */
  retryAfter: 'send' | 'omit';
  /** Token lifetime in seconds (§1.2 DOC: 86400); shorter in tests of token renewal. */
  tokenTtlSeconds: number;
  /** Day of month N on which the invoice dated N-01 becomes visible (§2.6: generated the 4th, "released" the 5th). */
  invoiceReleaseDay: number;
}

export const DEFAULT_RULES: Pax8Rules = {
  midPeriodChange: 'prorate-line',
  creditSign: 'negative',
  annualBilling: 'term-line',
  azureLines: 'per-subscription',
  endPeriod: 'inclusive',
  oversize: 'clamp',
  subscriptionPrice: 'customer',
  historyOrder: 'newest-first',
  invoiceTotal: 'partner-cost',
  rateType: 'bare',
  emptyInvoiceList: 'omit-content',
  legacyAudience: 'accept',
  retryAfter: 'send',
  tokenTtlSeconds: 86_400,
  invoiceReleaseDay: 5,
};

/** Every value of every two-way switch (tests run scenarios under each). */
export const SWITCH_VALUES = {
  midPeriodChange: ['prorate-line', 'partial-period'],
  creditSign: ['negative', 'credit-type'],
  annualBilling: ['term-line', 'monthly'],
  azureLines: ['per-subscription', 'per-meter'],
  endPeriod: ['inclusive', 'exclusive'],
  oversize: ['clamp', 'reject'],
  subscriptionPrice: ['customer', 'partner-cost'],
  historyOrder: ['newest-first', 'oldest-first'],
  invoiceTotal: ['partner-cost', 'customer'],
  rateType: ['bare', 'spec-enum'],
  emptyInvoiceList: ['omit-content', 'empty-content'],
  legacyAudience: ['accept', 'reject'],
  retryAfter: ['send', 'omit'],
} as const satisfies Partial<Record<keyof Pax8Rules, readonly string[]>>;
