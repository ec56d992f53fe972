import { daysBetween } from '../../kit';
import { BILLING_ITEM_TYPE_RECURRING_SERVICE } from '../metadata/picklists';
import { proratedCents } from '../rules/money';
import { allocateId, type EmulatorCtx, type Row, sortedRows, unitKey } from '../store/state';
import { unitRowsOf } from './derive-units';
import { contractPeriods, type Period, periodMonths, periodOf } from './periods';
import { postCharges } from './post-charges';

/**
 * What one ContractServiceUnits row bills, in cents: units x price (cost) x days of the row / days of its
 * billing period, rounded half away from zero per row.
 */
export function rowCents(row: Row, periods: readonly Period[]): { amount: number; cost: number } {
  const start = String(row.startDate);
  const period = periodOf(periods, start);
  const days = period ? daysBetween(start, String(row.endDate)) + 1 : 1;
  const periodDays = period ? daysBetween(period.start, period.end) + 1 : 1;
  const units = row.units as number;
  return {
    amount: proratedCents(units, (row.price as number | null) ?? 0, days, periodDays),
    cost: proratedCents(units, (row.cost as number | null) ?? 0, days, periodDays),
  };
}

/**
 * Test/demo stand-in for the UI's "Approve and Post" of recurring contracts (not possible through the API):
 * every ContractServiceUnits row ending on or before `through` (of one contract, or all) is posted: it gets
 * `approveAndPostDate` and one BillingItem. A row that covers part of a period is billed pro rata by days
 * (amount rounded to the cent, half away from zero); the emulator's approximation of Autotask billing.
 * Billable ContractCharges dated on or before `through` are posted too (`charges`).
 */
export function approveAndPost(
  ctx: EmulatorCtx,
  through: string,
  contractId?: number,
): { posted: number; charges: number } {
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
      const units = row.units as number;
      const cents = rowCents(row, periods);
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
        rate: (row.price as number | null) ?? 0,
        ourCost: cents.cost / 100,
        extendedPrice: cents.amount / 100,
        totalAmount: cents.amount / 100,
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
  return { posted, charges: postCharges(ctx, through, contractId) };
}
