import type { TargetContract } from '../../core/ports/target';
import { addDays, addMonths, type PlainDate } from '../../core/time/plain-date';
import type { Wire } from './client';
import { fromAutotaskDate, idText } from './quirks';

/**
 * The last day of the contract period that holds `day`, periods stepped monthly from the contract start (the
 * usual Recurring Service contract; a quarterly or yearly one is treated as monthly here, which only makes the
 * posted stretch end earlier than it may: billsync then charges instead of adjusting fewer days, never more).
 */
function periodEnd(contractStart: PlainDate, day: PlainDate): PlainDate {
  let start = contractStart;
  for (let i = 1; addMonths(contractStart, i) <= day; i++) start = addMonths(contractStart, i);
  return addDays(addMonths(start, 1), -1);
}

/**
 * Spec section 6 "Locked days", §8.1: a posted period shows on the unit rows (`approveAndPostDate`) and in the
 * BillingItems approve-and-post made for it; a row re-split by a later adjustment may not carry the date, so
 * the contract's posted-through day is the latest of both: a recurring item's period end.
 */
export function withPostedItems(contracts: TargetContract[], items: readonly Wire[]): TargetContract[] {
  const latest = new Map<string, PlainDate>();
  const byId = new Map(contracts.map((c) => [c.id, c]));
  for (const item of items) {
    if (item.contractServicePeriodID === null || item.contractServicePeriodID === undefined) continue;
    const contract = byId.get(idText(item.contractID));
    if (!contract || !item.itemDate) continue;
    const end = periodEnd(contract.startDate, fromAutotaskDate(item.itemDate));
    const known = latest.get(contract.id);
    if (known === undefined || end > known) latest.set(contract.id, end);
  }
  return contracts.map((c) => {
    const fromItems = latest.get(c.id);
    if (fromItems === undefined || (c.postedThrough !== undefined && c.postedThrough >= fromItems)) return c;
    return { ...c, postedThrough: fromItems };
  });
}
