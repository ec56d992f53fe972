import { endOfMonth } from '../../kit';
import { type EmulatorCtx, type InvoiceLine, periodKey } from '../store/state';
import { currentLines, firstOpenPeriod, pendingCatchUps } from './invoicing';
import { formatCents } from './money';
import { periodsBetween } from './periods';

interface ReportLine {
  periodStart: string;
  periodEnd: string;
  additionId: number;
  product: string | null;
  amount: string;
  cost: string;
  invoiced: boolean;
  correctsPeriod?: string;
}

function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let y = Number(from.slice(0, 4)), m = Number(from.slice(5, 7)); ; ) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month > to) return out;
    out.push(month);
    m = m === 12 ? 1 : m + 1;
    if (m === 1) y++;
  }
}

/**
 * What the PSA bills an agreement, per calendar month (a test aid, like the Autotask emulator's): each period
 * counts in the month it starts; an invoiced period shows what its invoice billed (with any catch-up lines),
 * an open one what it would bill now (the first open one with the pending catch-ups). Money is exact cents.
 */
export function billingReport(ctx: EmulatorCtx, agreementId: number, from: string, to: string) {
  const agreement = ctx.state.tables.agreements.get(agreementId);
  if (!agreement) return undefined;
  const product = (additionId: number) => {
    const a = ctx.state.tables.additions.get(additionId);
    const item = a ? ctx.state.tables.catalog.get(a.product as number) : undefined;
    return (item?.identifier as string | undefined) ?? null;
  };
  const firstOpen = firstOpenPeriod(ctx, agreement)?.start;
  const periods = periodsBetween(ctx, agreement, `${from}-01`, endOfMonth(`${to}-01`)).filter(
    (p) => p.start >= `${from}-01` && p.start <= endOfMonth(`${to}-01`),
  );
  const billedIn = periods.map((p) => {
    const invoice = ctx.state.invoiced.get(periodKey(agreementId, p.start));
    const raw: InvoiceLine[] = invoice
      ? invoice.lines
      : [
          ...currentLines(ctx, agreement, p),
          ...(p.start === firstOpen ? pendingCatchUps(ctx, agreement) : []),
        ];
    return { p, raw, invoiced: invoice !== undefined };
  });
  const months = monthsOf(from, to).map((month) => {
    const lines: ReportLine[] = [];
    let amount = 0n;
    let cost = 0n;
    for (const { p, raw, invoiced } of billedIn.filter((b) => b.p.start.startsWith(month))) {
      for (const l of raw) {
        amount += l.amountCents;
        cost += l.costCents;
        lines.push({
          periodStart: p.start,
          periodEnd: p.end,
          additionId: l.additionId,
          product: product(l.additionId),
          amount: formatCents(l.amountCents),
          cost: formatCents(l.costCents),
          invoiced,
          ...(l.correctsPeriod ? { correctsPeriod: l.correctsPeriod } : {}),
        });
      }
    }
    return { month, lines, total: { amount: formatCents(amount), cost: formatCents(cost) } };
  });
  return { agreementId, from, to, months };
}
