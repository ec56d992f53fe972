import { BILLING_ITEM_TYPE_RECURRING_SERVICE } from '../metadata/picklists';
import { allocateId, type EmulatorCtx, type Row, sortedRows } from '../store/state';
import { type OpenBill, openBills } from './open-billing';
import { postCharges } from './post-charges';

/** A recurring-service BillingItem (approve & post, or a prorated change to posted days). */
export function recurringItem(
  ctx: EmulatorCtx,
  cs: Row,
  fields: {
    periodRowId: number;
    itemDate: string;
    quantity: number;
    rate: number;
    cents: { amount: number; cost: number };
    description?: string;
  },
): Row {
  const contract = ctx.state.tables.Contracts.get(cs.contractID as number);
  const service = ctx.state.tables.Services.get(cs.serviceID as number);
  const name = (service?.invoiceDescription ?? service?.name ?? null) as string | null;
  const item: Row = {
    id: allocateId(ctx.state),
    billingItemType: BILLING_ITEM_TYPE_RECURRING_SERVICE,
    companyID: contract?.companyID ?? null,
    contractID: cs.contractID,
    contractServiceID: cs.id,
    contractServicePeriodID: fields.periodRowId,
    serviceID: cs.serviceID,
    itemDate: fields.itemDate,
    postedDate: ctx.clock.now().toISOString(),
    invoiceID: null,
    description: fields.description ?? name,
    quantity: fields.quantity,
    rate: fields.rate,
    ourCost: fields.cents.cost / 100,
    extendedPrice: fields.cents.amount / 100,
    totalAmount: fields.cents.amount / 100,
  };
  ctx.state.tables.BillingItems.set(item.id, item);
  return item;
}

function post(ctx: EmulatorCtx, cs: Row, bill: OpenBill): void {
  const { segment, days } = bill;
  const item =
    days.length === 0
      ? null
      : recurringItem(ctx, cs, {
          periodRowId: segment.row.id,
          itemDate: days[0] as string,
          quantity: segment.row.units as number,
          rate: (segment.row.price as number | null) ?? 0,
          cents: bill,
        });
  ctx.state.posted.set(segment.key, {
    contractServiceId: cs.id,
    startDate: segment.start,
    endDate: String(segment.row.endDate),
    billedThrough: segment.end,
    approveAndPostDate: ctx.clock.now().toISOString(),
    billingItemId: item?.id ?? null,
  });
}

/**
 * Test/demo stand-in for the UI's "Approve and Post" of recurring contracts (not possible through the API):
 * every ContractServiceUnits row whose billed days end on or before `through` (of one contract, or all) is
 * posted: it gets `approveAndPostDate` and one BillingItem dated on its start for the days it bills (rows read
 * as segments by start date, so overlapping rows never bill a day twice; days already billed by prorated
 * items are left out). A partial period is billed pro rata by days, rounded to the cent half away from zero.
 * Billable ContractCharges dated on or before `through` are posted too (`charges`).
 */
export function approveAndPost(
  ctx: EmulatorCtx,
  through: string,
  contractId?: number,
): { posted: number; charges: number } {
  let posted = 0;
  for (const cs of sortedRows(ctx.state, 'ContractServices')) {
    if (contractId !== undefined && cs.contractID !== contractId) continue;
    for (const bill of openBills(ctx, cs)) {
      if (bill.segment.end > through) continue;
      post(ctx, cs, bill);
      posted++;
    }
  }
  return { posted, charges: postCharges(ctx, through, contractId) };
}
