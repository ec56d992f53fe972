import { type Accepts, type Checked, mergeSwitches } from '../kit';
import type { ConnectWiseLimits, ConnectWiseRules } from './options';

const count = { number: { integer: true, min: 0 } } as const;

const RULE_VALUES: Record<keyof ConnectWiseRules, Accepts> = {
  missingClientIdStatus: { oneOf: [403, 400] },
  authFailureBody: { oneOf: ['unauthorized', 'user-not-authenticated'] },
  systemInfoAuth: { oneOf: ['anonymous', 'required'] },
  plainHttp: { oneOf: ['allow', 'refuse'] },
  contentType: { oneOf: ['json', 'vendor'] },
  collation: { oneOf: ['case-insensitive', 'case-sensitive'] },
  dateFormat: { oneOf: ['strict', 'lenient'] },
  patchClear: { oneOf: ['both', 'replace-null-only', 'remove-only'] },
  forwardOnlyEnd: { oneOf: ['empty-link', 'no-link'] },
  extendedBasis: { oneOf: ['quantity', 'billed-quantity'] },
  prorateDays: { oneOf: ['inclusive', 'exclusive-start'] },
  unproratedPartialPeriod: { oneOf: ['bill-if-active-at-start', 'bill-full'] },
  prorateCurrentPeriodFlag: { oneOf: ['ignored', 'addition-prorates'] },
  closedAgreementWrites: { oneOf: ['allow', 'reject'] },
  inactiveProductOnAddition: { oneOf: ['reject', 'allow'] },
  negativeAmounts: { oneOf: ['allow', 'reject'] },
  invoicedPeriodEdits: { oneOf: ['frozen', 'catch-up'] },
};

const LIMIT_VALUES: Record<keyof ConnectWiseLimits, Accepts> = {
  requestsPerMinute: count,
  maxConcurrent: count,
  baseLatencyMs: { number: { integer: false, min: 0 } },
  maxQueryLength: count,
};

export function mergeRules(current: ConnectWiseRules, patch: unknown): Checked<ConnectWiseRules> {
  return mergeSwitches('rules', RULE_VALUES, current, patch);
}

export function mergeLimits(current: ConnectWiseLimits, patch: unknown): Checked<ConnectWiseLimits> {
  return mergeSwitches('limits', LIMIT_VALUES, current, patch);
}

export { orThrow } from '../kit';
