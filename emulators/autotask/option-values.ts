import { type AutotaskLimits, type AutotaskRules, OVER_THRESHOLD_TEXTS } from './options';

/** What a switch accepts: one of a list of values, or a number (integer or not, bounded below). */
type Accepts = { oneOf: readonly unknown[] } | { number: { integer: boolean; min: number } };

const count = { number: { integer: true, min: 0 } } as const;
const ms = { number: { integer: false, min: 0 } } as const;

const RULE_VALUES: Record<keyof AutotaskRules, Accepts> = {
  createOnlyChange: { oneOf: ['error', 'ignore'] },
  unknownUserStatus: { oneOf: [401, 500] },
  negativeUnits: { oneOf: ['reject', 'allow'] },
  postedPeriodAdjustments: { oneOf: ['bill-prorated', 'reject'] },
  unitRowEnd: { oneOf: ['overlap', 'day-before'] },
  unitRowPrice: { oneOf: ['latest-adjustment', 'stored'] },
  unitsHorizon: { oneOf: ['contract-end', 'current-period'] },
  adjustmentItemId: { oneOf: ['null', 'id'] },
  inactiveServiceOnContract: { oneOf: ['reject', 'allow'] },
  negativeChargePrices: { oneOf: ['reject', 'allow'] },
  adjustmentDayShift: { number: { integer: true, min: -36_500 } },
};

const LIMIT_VALUES: Record<keyof AutotaskLimits, Accepts> = {
  hourlyThreshold: count,
  baseLatencyMs: ms,
  latencyAt50Ms: ms,
  latencyAt75Ms: ms,
  maxConcurrent: count,
  threadLimitStatus: { oneOf: [429, 500] },
  overThresholdDialect: { oneOf: ['status-429', 'status-500-text'] },
  overThresholdText: { oneOf: Object.keys(OVER_THRESHOLD_TEXTS) },
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

/** `current` with the switches of `patch` applied, each checked against the values it accepts. */
export function mergeRules(current: AutotaskRules, patch: unknown): Checked<AutotaskRules> {
  return merge('rules', RULE_VALUES, current, patch);
}

/** `current` with the limits of `patch` applied, each checked against the values it accepts. */
export function mergeLimits(current: AutotaskLimits, patch: unknown): Checked<AutotaskLimits> {
  return merge('limits', LIMIT_VALUES, current, patch);
}

/** The merged value, or an Error (used at emulator creation). */
export function orThrow<T>(checked: Checked<T>): T {
  if (!checked.ok) throw new Error(checked.error);
  return checked.value;
}
