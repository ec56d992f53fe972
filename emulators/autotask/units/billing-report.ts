import { addMonths } from '../../kit';
import { BILLING_ITEM_TYPE_RECURRING_SERVICE } from '../metadata/picklists';
import { centsText, toCents } from '../rules/money';
import { type EmulatorCtx, type Row, sortedRows } from '../store/state';
import { openBills } from './open-billing';

interface Sum {
  amount: number;
  cost: number;
}

interface ServiceBill extends Sum {
  contractServiceId: number;
  serviceId: number;
}

interface ChargeBill extends Sum {
  id: number;
  name: string;
  date: string;
  contractServiceId: number | null;
  billed: boolean;
}

const money = (s: Sum) => ({ amount: centsText(s.amount), cost: centsText(s.cost) });

/** `YYYY-MM` months from `from` to `to`, inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let m = from; m <= to; m = addMonths(`${m}-01`, 1).slice(0, 7)) months.push(m);
  return months;
}

/**
 * What the PSA bills a contract per calendar month (test aid for `GET /_emulator/billing`): per contract service
 * the recurring-service BillingItems dated in the month (posted rows and prorated changes to posted days), plus
 * the not-yet-posted ContractServiceUnits rows that start in the month, each billed as approve & post will
 * (units x price x billed days of the row / days of its period, rounded to the cent per row; rows read as
 * segments by start date, so no day counts twice), plus the billable charges dated in the month
 * (billableAmount / extendedCost, rounded per charge), billed or not. Sums are exact (whole cents); amounts
 * are strings with 2 decimals.
 */
export function billingReport(ctx: EmulatorCtx, contractId: number, from: string, to: string) {
  const contract = ctx.state.tables.Contracts.get(contractId);
  if (!contract) return undefined;
  const months = new Map(
    monthsBetween(from, to).map((m) => [
      m,
      { services: new Map<number, ServiceBill>(), charges: [] as ChargeBill[] },
    ]),
  );
  const add = (cs: Row, date: string, cents: Sum) => {
    const month = months.get(date.slice(0, 7));
    if (!month) return;
    const bill = month.services.get(cs.id) ?? {
      contractServiceId: cs.id,
      serviceId: cs.serviceID as number,
      amount: 0,
      cost: 0,
    };
    bill.amount += cents.amount;
    bill.cost += cents.cost;
    month.services.set(cs.id, bill);
  };
  const items = sortedRows(ctx.state, 'BillingItems').filter(
    (i) => i.billingItemType === BILLING_ITEM_TYPE_RECURRING_SERVICE && i.contractID === contractId,
  );
  for (const cs of sortedRows(ctx.state, 'ContractServices')) {
    if (cs.contractID !== contractId) continue;
    // Posted days: what the billing items say (approve & post, prorated changes).
    for (const item of items) {
      if (item.contractServiceID !== cs.id) continue;
      add(cs, String(item.itemDate), {
        amount: toCents((item.totalAmount as number | null) ?? 0),
        cost: toCents((item.ourCost as number | null) ?? 0),
      });
    }
    // Days not posted yet: what approve & post would bill for them.
    for (const bill of openBills(ctx, cs)) if (bill.days.length > 0) add(cs, bill.days[0] as string, bill);
  }
  for (const charge of sortedRows(ctx.state, 'ContractCharges')) {
    if (charge.contractID !== contractId || charge.isBillableToCompany !== true) continue;
    const date = String(charge.datePurchased);
    months.get(date.slice(0, 7))?.charges.push({
      id: charge.id,
      name: String(charge.name ?? ''),
      date,
      contractServiceId: (charge.contractServiceID as number | null) ?? null,
      billed: charge.isBilled === true,
      amount: toCents((charge.billableAmount as number | null) ?? 0),
      cost: toCents((charge.extendedCost as number | null) ?? 0),
    });
  }
  return {
    contractId,
    from,
    to,
    months: [...months].map(([month, { services, charges }]) => {
      const all: Sum[] = [...services.values(), ...charges];
      const total = all.reduce((t, s) => ({ amount: t.amount + s.amount, cost: t.cost + s.cost }), {
        amount: 0,
        cost: 0,
      });
      return {
        month,
        services: [...services.values()].map((s) => ({ ...s, ...money(s) })),
        charges: charges.map((c) => ({ ...c, ...money(c) })),
        total: money(total),
      };
    }),
  };
}
