import { daysBetween } from '../../kit';
import { BILLING_ITEM_TYPE_RECURRING_SERVICE } from '../metadata/picklists';
import { round2 } from '../rules/money';
import { allocateId, type EmulatorCtx, sortedRows, unitKey } from '../store/state';
import { unitRowsOf } from './derive-units';
import { contractPeriods, periodMonths, periodOf } from './periods';

/**
 * Test/demo stand-in for the UI's "Approve and Post" of recurring contracts (not possible through the API):
 * every ContractServiceUnits row ending on or before `through` (of one contract, or all) is posted: it gets
 * `approveAndPostDate` and one BillingItem. A row that covers part of a period is billed pro rata by days
 * (amount rounded to the cent, half away from zero); the emulator's approximation of Autotask billing.
 */
export function approveAndPost(ctx: EmulatorCtx, through: string, contractId?: number): { posted: number } {
  const now = ctx.clock.now().toISOString();
  let posted = 0;
  for (const cs of sortedRows(ctx.state, 'ContractServices')) {
    if (contractId !== undefined && cs.contractID !== contractId) continue;
    const contract = ctx.state.tables.Contracts.get(cs.contractID as number);
    if (!contract) continue;
    const periods = contractPeriods(
      String(contract.startDate),
      String(contract.endDate),
      periodMonths(contract),
    );
    for (const row of unitRowsOf(ctx, cs)) {
      const start = String(row.startDate);
      const end = String(row.endDate);
      const key = unitKey(cs.id, start);
      if (end > through || ctx.state.posted.has(key)) continue;
      const period = periodOf(periods, start);
      const share = period ? (daysBetween(start, end) + 1) / (daysBetween(period.start, period.end) + 1) : 1;
      const units = row.units as number;
      const price = (row.price as number | null) ?? 0;
      const cost = (row.cost as number | null) ?? 0;
      const service = ctx.state.tables.Services.get(cs.serviceID as number);
      const item = {
        id: allocateId(ctx.state),
        billingItemType: BILLING_ITEM_TYPE_RECURRING_SERVICE,
        companyID: contract.companyID,
        contractID: contract.id,
        contractServiceID: cs.id,
        contractServicePeriodID: row.id,
        serviceID: cs.serviceID,
        itemDate: start,
        postedDate: now,
        invoiceID: null,
        description: service?.invoiceDescription ?? service?.name ?? null,
        quantity: units,
        rate: price,
        ourCost: round2(units * cost * share),
        extendedPrice: round2(units * price * share),
        totalAmount: round2(units * price * share),
      };
      ctx.state.tables.BillingItems.set(item.id, item);
      ctx.state.posted.set(key, {
        contractServiceId: cs.id,
        startDate: start,
        endDate: end,
        approveAndPostDate: now,
        billingItemId: item.id,
      });
      posted++;
    }
  }
  return { posted };
}
