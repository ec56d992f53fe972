import { type Accepts, type Checked, mergeSwitches } from '../kit';
import { type AutotaskLimits, type AutotaskRules, OVER_THRESHOLD_TEXTS } from './options';

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
  threadEndpoint: { oneOf: ['entity', 'url-root'] },
  overThresholdDialect: { oneOf: ['status-429', 'status-500-text'] },
  overThresholdText: { oneOf: Object.keys(OVER_THRESHOLD_TEXTS) },
};

export function mergeRules(current: AutotaskRules, patch: unknown): Checked<AutotaskRules> {
  return mergeSwitches('rules', RULE_VALUES, current, patch);
}

/** `current` with the limits of `patch` applied, each checked against the values it accepts. */
export function mergeLimits(current: AutotaskLimits, patch: unknown): Checked<AutotaskLimits> {
  return mergeSwitches('limits', LIMIT_VALUES, current, patch);
}

export { orThrow } from '../kit';
