import { addDays } from '../../kit';
import { agreementLastDay } from '../rules/agreement-status';
import { formatInstant } from '../store/dates';
import { type EmulatorCtx, type InvoicedPeriod, type InvoiceLine, periodKey, type Row } from '../store/state';
import { chargeForPeriod } from './bill-period';
import { billingStart, type Period, periodsBetween } from './periods';

/**
 * The emulator's model of agreement invoicing (README "Billing"): an invoice bills one period of an agreement
 * and freezes what it billed. Later edits that change an invoiced period are never billed (rules
 * invoicedPeriodEdits 'frozen'), or billed as catch-up lines on the next invoice ('catch-up').
 */
export function firstOpenPeriod(ctx: EmulatorCtx, agreement: Row): Period | undefined {
  const last = agreementLastDay(agreement) ?? '9999-12-31';
  let from = billingStart(agreement);
  for (;;) {
    const p = periodsBetween(ctx, agreement, from, from)[0];
    if (!p || p.start > last) return undefined;
    if (!ctx.state.invoiced.has(periodKey(agreement.id, p.start))) return p;
    if (p.whole) return undefined;
    from = addDays(p.end, 1);
  }
}

export function additionsOf(ctx: EmulatorCtx, agreementId: number): Row[] {
  return ctx.state.tables.additions.byField('agreementId', agreementId).sort((a, b) => a.id - b.id);
}

/** What a period bills now, per addition in effect in it. */
export function currentLines(ctx: EmulatorCtx, agreement: Row, p: Period): InvoiceLine[] {
  return additionsOf(ctx, agreement.id).flatMap((a) => {
    const c = chargeForPeriod(ctx, agreement, a, p);
    return c.days > 0 ? [{ additionId: a.id, amountCents: c.amountCents, costCents: c.costCents }] : [];
  });
}

/** The differences between what invoiced periods bill now and what they billed ('catch-up' mode only). */
export function pendingCatchUps(ctx: EmulatorCtx, agreement: Row): InvoiceLine[] {
  if (ctx.rules.invoicedPeriodEdits !== 'catch-up') return [];
  const out: InvoiceLine[] = [];
  const invoiced = [...ctx.state.invoiced.values()]
    .filter((i) => i.agreementId === agreement.id)
    .sort((a, b) => a.periodStart.localeCompare(b.periodStart));
  for (const inv of invoiced) {
    const p: Period = { start: inv.periodStart, end: inv.periodEnd, days: 0 };
    const period = periodsBetween(ctx, agreement, p.start, p.start)[0] ?? p;
    const now = new Map(currentLines(ctx, agreement, period).map((l) => [l.additionId, l]));
    const billed = ctx.state.billed.get(periodKey(agreement.id, inv.periodStart)) ?? new Map();
    for (const id of new Set([...now.keys(), ...billed.keys()])) {
      const amount = (now.get(id)?.amountCents ?? 0n) - (billed.get(id)?.amountCents ?? 0n);
      const cost = (now.get(id)?.costCents ?? 0n) - (billed.get(id)?.costCents ?? 0n);
      if (amount !== 0n || cost !== 0n) {
        out.push({ additionId: id, amountCents: amount, costCents: cost, correctsPeriod: inv.periodStart });
      }
    }
  }
  return out;
}

function invoicePeriod(ctx: EmulatorCtx, agreement: Row, p: Period): InvoicedPeriod {
  const catchUps = pendingCatchUps(ctx, agreement);
  for (const c of catchUps) {
    const key = periodKey(agreement.id, c.correctsPeriod as string);
    const billed = ctx.state.billed.get(key) ?? new Map();
    const prev = billed.get(c.additionId) ?? { amountCents: 0n, costCents: 0n };
    billed.set(c.additionId, {
      amountCents: prev.amountCents + c.amountCents,
      costCents: prev.costCents + c.costCents,
    });
    ctx.state.billed.set(key, billed);
  }
  const lines = currentLines(ctx, agreement, p);
  const key = periodKey(agreement.id, p.start);
  ctx.state.billed.set(
    key,
    new Map(lines.map((l) => [l.additionId, { amountCents: l.amountCents, costCents: l.costCents }])),
  );
  const invoice: InvoicedPeriod = {
    agreementId: agreement.id,
    periodStart: p.start,
    periodEnd: p.end,
    invoicedAt: formatInstant(ctx.clock.nowMs()),
    lines: [...lines, ...catchUps],
  };
  ctx.state.invoiced.set(key, invoice);
  return invoice;
}

/**
 * Agreement invoicing "through" a date (Finance > Agreement Invoicing, §5.3): every period not invoiced yet
 * that starts on or before `through`, in order, of one agreement or all.
 */
export function invoiceThrough(ctx: EmulatorCtx, through: string, agreementId?: number): InvoicedPeriod[] {
  const agreements = [...ctx.state.tables.agreements.values()]
    .filter((a) => agreementId === undefined || a.id === agreementId)
    .sort((a, b) => a.id - b.id);
  const done: InvoicedPeriod[] = [];
  for (const agreement of agreements) {
    for (
      let p = firstOpenPeriod(ctx, agreement);
      p && p.start <= through;
      p = firstOpenPeriod(ctx, agreement)
    ) {
      done.push(invoicePeriod(ctx, agreement, p));
    }
  }
  return done;
}
