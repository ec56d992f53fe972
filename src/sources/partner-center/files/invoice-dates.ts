import type { InvoiceHeader } from '../../../core/model/source';
import {
  type BillingPeriod,
  firstDayOf,
  nextPeriod,
  type PlainDate,
  periodOf,
  plainDate,
} from '../../../core/time';

/** Counts, per calendar month, the days the rows of a file are about (ChargeStartDate or UsageDate). */
export class MonthTally {
  private readonly counts = new Map<BillingPeriod, number>();
  total = 0;
  /** Rows of a file come in runs of the same day: those are counted without a map update per row. */
  private runDay: PlainDate | undefined;
  private runLength = 0;

  add(day: PlainDate): void {
    this.total += 1;
    if (day === this.runDay) {
      this.runLength += 1;
      return;
    }
    this.endRun();
    this.runDay = day;
    this.runLength = 1;
  }

  private endRun(): void {
    if (this.runDay === undefined) return;
    const p = periodOf(this.runDay);
    this.counts.set(p, (this.counts.get(p) ?? 0) + this.runLength);
    this.runDay = undefined;
    this.runLength = 0;
  }

  /** The month most rows fall in; on a tie the later month (a late correction is older, never newer). */
  mode(): BillingPeriod | undefined {
    this.endRun();
    let best: BillingPeriod | undefined;
    let bestCount = 0;
    for (const [p, n] of this.counts) {
      if (n > bestCount || (n === bestCount && best !== undefined && p > best)) {
        best = p;
        bestCount = n;
      }
    }
    return best;
  }

  countIn(period: BillingPeriod): number {
    this.endRun();
    return this.counts.get(period) ?? 0;
  }
}

/** Microsoft publishes month M's invoice between the 6th and 8th of M+1; billsync assumes the 7th. */
export function defaultIssueDate(period: BillingPeriod): PlainDate {
  const next = firstDayOf(nextPeriod(period));
  return plainDate(Number(next.slice(0, 4)), Number(next.slice(5, 7)), 7);
}

/** How an import settled an invoice's billing period and issue date, for the user to see. */
export interface InvoiceDates {
  billingPeriod: BillingPeriod;
  issueDate: PlainDate;
  datesFrom: InvoiceHeader['datesFrom'];
  /** One sentence per date: where it came from. */
  basis: string[];
}

/**
 * Settles the dates of an invoice read from a file, which names its invoice but neither the billing period nor
 * the issue date:
 * - billing period: `--period` when given; else the stored header's when Partner Center (or a user) stated it;
 *   else the month most rows' charge periods start in (usage: most usage dates fall in). The invoice of month M
 *   holds the license cycles that started in M, the mid-cycle changes made in M and M's Azure usage, so nearly
 *   all rows start in M; a late correction of M-1 is outvoted.
 * - issue date: `--issued`; else the stored header's stated date; else the 7th of the month after the period.
 */
export function settleInvoiceDates(input: {
  tally: MonthTally;
  stored: Pick<InvoiceHeader, 'billingPeriod' | 'issueDate' | 'datesFrom'> | undefined;
  period: BillingPeriod | undefined;
  issued: PlainDate | undefined;
}): InvoiceDates {
  const stated = input.stored && input.stored.datesFrom !== 'inferred' ? input.stored : undefined;
  const basis: string[] = [];
  let billingPeriod: BillingPeriod;
  if (input.period) {
    billingPeriod = input.period;
    basis.push(`billing period ${billingPeriod}: given with --period`);
  } else if (stated) {
    billingPeriod = stated.billingPeriod;
    basis.push(`billing period ${billingPeriod}: from the stored invoice header (${stated.datesFrom})`);
  } else {
    const mode = input.tally.mode();
    if (!mode) throw new Error('no rows to infer the billing period from: state it with --period YYYY-MM');
    billingPeriod = mode;
    basis.push(
      `billing period ${billingPeriod}: inferred, ${input.tally.countIn(billingPeriod)} of ${input.tally.total} rows start in that month`,
    );
  }
  let issueDate: PlainDate;
  if (input.issued) {
    issueDate = input.issued;
    basis.push(`issue date ${issueDate}: given with --issued`);
  } else if (stated) {
    issueDate = stated.issueDate;
    basis.push(`issue date ${issueDate}: from the stored invoice header (${stated.datesFrom})`);
  } else {
    issueDate = defaultIssueDate(billingPeriod);
    basis.push(`issue date ${issueDate}: inferred, the 7th of the month after the billing period`);
  }
  const datesFrom = input.period || input.issued ? 'user' : stated ? stated.datesFrom : 'inferred';
  return { billingPeriod, issueDate, datesFrom, basis };
}
