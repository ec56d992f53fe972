import { daysBetween } from '../../kit';
import { agreementLastDay } from '../rules/agreement-status';
import { dayOf } from '../store/dates';
import type { EmulatorCtx, Row } from '../store/state';
import { centsOf } from './money';
import { billingStart, type Period } from './periods';

/** The days an addition is in effect on its agreement: effective..cancelled (inclusive), within the agreement. */
export function additionWindow(agreement: Row, addition: Row): { from: string; to?: string } {
  const effective = addition.effectiveDate
    ? dayOf(addition.effectiveDate as string)
    : billingStart(agreement);
  const from = [effective, billingStart(agreement)].sort()[1] as string;
  const ends = [
    agreementLastDay(agreement),
    addition.cancelledDate ? dayOf(addition.cancelledDate as string) : undefined,
  ];
  const to = ends.filter((d): d is string => d !== undefined).sort()[0];
  return to === undefined ? { from } : { from, to };
}

/** Whether a partial period of this addition is prorated (§5.2 fact 4; rules.prorateCurrentPeriodFlag). */
export function prorates(ctx: EmulatorCtx, agreement: Row, addition: Row): boolean {
  if (agreement.prorateFlag === true) return true;
  return (
    ctx.rules.prorateCurrentPeriodFlag === 'addition-prorates' && addition.prorateCurrentPeriodFlag === true
  );
}

/** Days of a prorated partial period: inclusive of its first day, or (Ingram's reading) after a mid-period start. */
export function proratedDays(ctx: EmulatorCtx, p: Period, from: string, to: string): number {
  const days = daysBetween(from, to) + 1;
  return ctx.rules.prorateDays === 'exclusive-start' && from > p.start ? days - 1 : days;
}

export interface PeriodCharge {
  amountCents: bigint;
  costCents: bigint;
  /** Days of the period the line is in effect. */
  days: number;
}

const NONE: PeriodCharge = { amountCents: 0n, costCents: 0n, days: 0 };

/**
 * What one agreement invoice bills for an addition over one period: `(quantity − lessIncluded) × unit` for a
 * whole period; a partial period is prorated by days when the agreement prorates, else billed per
 * rules.unproratedPartialPeriod. `NoCharge` and `DoNotBill` lines bill 0 but keep their cost.
 */
export function chargeForPeriod(ctx: EmulatorCtx, agreement: Row, addition: Row, p: Period): PeriodCharge {
  const w = additionWindow(agreement, addition);
  const from = w.from > p.start ? w.from : p.start;
  const to = w.to !== undefined && w.to < p.end ? w.to : p.end;
  if (from > to) return NONE;
  const days = daysBetween(from, to) + 1;
  let num = 1;
  let den = 1;
  if (days < p.days && !p.whole) {
    if (prorates(ctx, agreement, addition)) {
      num = proratedDays(ctx, p, from, to);
      den = p.days;
    } else if (ctx.rules.unproratedPartialPeriod === 'bill-if-active-at-start' && from > p.start) {
      return { ...NONE, days };
    }
  }
  const quantity = Number(addition.quantity ?? 0) - Number(addition.lessIncluded ?? 0);
  const billable = addition.billCustomer === 'Billable';
  return {
    amountCents: billable ? centsOf(quantity, Number(addition.unitPrice ?? 0), num, den) : 0n,
    costCents: centsOf(quantity, Number(addition.unitCost ?? 0), num, den),
    days,
  };
}
