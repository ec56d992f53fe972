import { addDays, addMonths } from '../../kit';
import { PERIOD_MONTHS } from '../metadata/picklists';
import type { Row } from '../store/state';

export interface Period {
  start: string;
  /** Inclusive last day. */
  end: string;
}

/** Months per billing period of a contract (contractPeriodType); Monthly when unset. */
export function periodMonths(contract: Row): number {
  return PERIOD_MONTHS[String(contract.contractPeriodType)] ?? 1;
}

/**
 * Billing periods stepped from the contract start date by the period length ("Autotask generates its billing
 * periods by stepping from the CONTRACT START DATE" [OBS]), the last one cut at the contract end date.
 * Each step is computed from the start (not chained) so a 31st start does not drift after February.
 */
export function contractPeriods(start: string, end: string, months: number): readonly Period[] {
  const key = `${start}|${end}|${months}`;
  let periods = computed.get(key);
  if (!periods) {
    // Contracts share a few shapes: thousands of lines re-derive the same periods on every read.
    if (computed.size > 10_000) computed.clear();
    periods = steps(start, end, months);
    computed.set(key, periods);
  }
  return periods;
}

const computed = new Map<string, readonly Period[]>();

function steps(start: string, end: string, months: number): Period[] {
  const periods: Period[] = [];
  for (let i = 0; ; i++) {
    const s = addMonths(start, i * months);
    if (s > end) break;
    const e = addDays(addMonths(start, (i + 1) * months), -1);
    periods.push({ start: s, end: e < end ? e : end });
  }
  return periods;
}

/** The period containing `date`, if any. */
export function periodOf(periods: readonly Period[], date: string): Period | undefined {
  return periods.find((p) => p.start <= date && date <= p.end);
}

/** The billing periods of a contract (stepped from its start by contractPeriodType, cut at its end). */
export function derivePeriods(contract: Row): readonly Period[] {
  return contractPeriods(String(contract.startDate), String(contract.endDate), periodMonths(contract));
}
