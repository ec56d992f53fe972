import type { AutotaskLimits, AutotaskRules } from '../../emulators/autotask';

/**
 * The Autotask behaviours no public source settles (issue 11; emulator README "Variants"), as emulator switches.
 * The end-to-end tests run under each: every switch flipped at least once from the defaults, plus the two
 * harshest combinations. billsync must bill the same money in all of them.
 */
export interface AutotaskVariant {
  name: string;
  rules?: Partial<AutotaskRules>;
  limits?: Partial<AutotaskLimits>;
}

export const DEFAULT_VARIANT: AutotaskVariant = { name: 'defaults' };

/** What changes how contract lines read and bill. */
export const BILLING_VARIANTS: readonly AutotaskVariant[] = [
  DEFAULT_VARIANT,
  { name: 'unit rows end the day before the next adjustment', rules: { unitRowEnd: 'day-before' } },
  { name: 'adjustments into posted periods refused', rules: { postedPeriodAdjustments: 'reject' } },
  { name: 'row prices stored when the row is made', rules: { unitRowPrice: 'stored' } },
  { name: 'unit rows only up to the current period', rules: { unitsHorizon: 'current-period' } },
  {
    name: 'harshest: overlapping rows, stored prices, current period only, posted refused',
    rules: {
      unitRowEnd: 'overlap',
      unitRowPrice: 'stored',
      unitsHorizon: 'current-period',
      postedPeriodAdjustments: 'reject',
    },
  },
  {
    name: 'harshest: rows end the day before, stored prices, current period only, posted billed prorated',
    rules: {
      unitRowEnd: 'day-before',
      unitRowPrice: 'stored',
      unitsHorizon: 'current-period',
      postedPeriodAdjustments: 'bill-prorated',
    },
    limits: { threadLimitStatus: 500, overThresholdDialect: 'status-500-text' },
  },
];

/** How Autotask says no: wrong user, thread limit, hourly threshold. */
export const DIALECT_VARIANTS: readonly AutotaskVariant[] = [
  { name: 'a bad user is a 401', rules: { unknownUserStatus: 401 } },
  { name: 'the thread limit is a 500 with text', limits: { threadLimitStatus: 500 } },
  { name: 'the hourly threshold is a 500 with text', limits: { overThresholdDialect: 'status-500-text' } },
];
