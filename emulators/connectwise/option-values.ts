import type { ConnectWiseLimits, ConnectWiseRules } from './options';

/** What a switch accepts: one of a list of values, or a number bounded below. */
type Accepts = { oneOf: readonly unknown[] } | { number: { integer: boolean; min: number } };

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

function accepted(accepts: Accepts, value: unknown): boolean {
  if ('oneOf' in accepts) return accepts.oneOf.includes(value);
  const { integer, min } = accepts.number;
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= min &&
    (!integer || Number.isInteger(value))
  );
}

function describe(accepts: Accepts): string {
  if ('oneOf' in accepts) return accepts.oneOf.map((v) => JSON.stringify(v)).join(' | ');
  return `${accepts.number.integer ? 'an integer' : 'a number'} >= ${accepts.number.min}`;
}

/** Result of checking a (partial) set of switches: the merged values, or the first problem. */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

function merge<T>(what: string, table: Record<string, Accepts>, current: T, patch: unknown): Checked<T> {
  if (patch === undefined || patch === null) return { ok: true, value: { ...current } };
  if (typeof patch !== 'object' || Array.isArray(patch))
    return { ok: false, error: `${what}: must be an object` };
  const next: Record<string, unknown> = { ...(current as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    const accepts = table[key];
    if (!accepts) return { ok: false, error: `${what}.${key}: unknown switch` };
    if (!accepted(accepts, value)) {
      return {
        ok: false,
        error: `${what}.${key}: must be ${describe(accepts)}, got ${JSON.stringify(value)}`,
      };
    }
    next[key] = value;
  }
  return { ok: true, value: next as T };
}

export function mergeRules(current: ConnectWiseRules, patch: unknown): Checked<ConnectWiseRules> {
  return merge('rules', RULE_VALUES, current, patch);
}

export function mergeLimits(current: ConnectWiseLimits, patch: unknown): Checked<ConnectWiseLimits> {
  return merge('limits', LIMIT_VALUES, current, patch);
}

/** The merged value, or an Error (used at emulator creation). */
export function orThrow<T>(checked: Checked<T>): T {
  if (!checked.ok) throw new Error(checked.error);
  return checked.value;
}
