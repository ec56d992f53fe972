import type { BillingPlan, TermDuration } from '../../../core/model/source';

/** What the recon file says about a line's commitment, once read. */
export interface TermAndPlan {
  term: TermDuration;
  billingPlan: BillingPlan;
}

const TERM_PATTERNS: readonly [RegExp, TermDuration][] = [
  [/\b(one|1)[- ]month\b|\bP1M\b|\bmonth[- ]to[- ]month\b/i, 'P1M'],
  [/\b(one|1)[- ]year\b|\bP1Y\b|\bannual commitment\b/i, 'P1Y'],
  [/\b(three|3)[- ]year\b|\bP3Y\b/i, 'P3Y'],
];

/**
 * The term named by TermAndBillingCycle: `One-Month commitment for monthly billing` -> P1M, `One-Year
 * commitment for monthly/yearly billing` -> P1Y, `Three-Year commitment ...` -> P3Y; `1 Month Subscription` and
 * `One-Month commitment for trial` (Microsoft's own samples) -> P1M. Undefined when none matches or several do.
 * [UNVERIFIED: Microsoft publishes no list of these texts; the patterns cover the samples of csp-billing.md 2.1.]
 */
export function termFromText(text: string): TermDuration | undefined {
  const hits = TERM_PATTERNS.filter(([re]) => re.test(text)).map(([, term]) => term);
  return hits.length === 1 ? hits[0] : undefined;
}

/**
 * The billing plan from BillingFrequency. Microsoft fills it with `Monthly` for monthly billing and leaves it
 * blank (or `NA`) otherwise [MS, ES-locale doc]; `Annual`/`Yearly`, `Triennial` and `OneTime` are accepted when
 * written. Blank means "billed upfront for the term": P1M -> Monthly, P1Y -> Annual, P3Y -> Triennial.
 * [UNVERIFIED: a P3Y subscription billed annually may also come with a blank BillingFrequency; it would be read
 * as Triennial.] Undefined for any other text.
 */
export function billingPlanFromFrequency(frequency: string, term: TermDuration): BillingPlan | undefined {
  const f = frequency
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '');
  if (f === 'monthly' || f === 'month') return 'Monthly';
  if (f === 'annual' || f === 'annually' || f === 'yearly' || f === 'year') return 'Annual';
  if (f === 'triennial' || f === 'threeyears') return 'Triennial';
  if (f === 'onetime') return 'OneTime';
  if (f === '' || f === 'na' || f === 'n/a' || f === 'none') {
    return term === 'P1M' ? 'Monthly' : term === 'P1Y' ? 'Annual' : 'Triennial';
  }
  return undefined;
}

/** Whether the text says the charge is a one-off purchase (perpetual software, reservations bought upfront). */
export function saysOneTime(text: string): boolean {
  return /\bone[- ]?time\b|\bperpetual\b/i.test(text);
}

export const TERM_EXPECTED =
  'a term such as "One-Month commitment for monthly billing", "One-Year commitment for monthly/yearly billing" or "Three-Year commitment for ..."';
export const FREQUENCY_EXPECTED =
  '"Monthly", "Annual", "Triennial", "OneTime" or blank (billed upfront for the term)';
