import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invoice, line, offer, TENANT } from '../../../test/support/seat-lines';
import type { InvoiceLine } from '../model/source';
import { type Decimal, dec, round, ZERO } from '../money/decimal';
import { periodOf } from '../time/billing-period';
import { daysOf } from '../time/date-range';
import { addDays, fromEpochDay, type PlainDate, toEpochDay } from '../time/plain-date';
import { seatsOn, seatTimeline, type TimelineInvoice } from './seat-timeline';

/** One monthly charge cycle: its seats at the start and a chain of mid-cycle changes (day offset, new seats). */
interface Cycle {
  start: PlainDate;
  days: number;
  initial: number;
  changes: { offset: number; seats: number }[];
}

const startDay = fc.integer({
  min: toEpochDay('2024-01-01' as PlainDate),
  max: toEpochDay('2027-12-31' as PlainDate),
});

const cycleArb = (start: PlainDate) =>
  fc
    .record({
      days: fc.integer({ min: 28, max: 31 }),
      initial: fc.integer({ min: 1, max: 60 }),
      changes: fc.uniqueArray(
        fc.record({ offset: fc.integer({ min: 1, max: 27 }), seats: fc.integer({ min: 0, max: 60 }) }),
        {
          selector: (c) => c.offset,
          maxLength: 4,
        },
      ),
    })
    .map((c): Cycle => ({ start, ...c, changes: [...c.changes].sort((a, b) => a.offset - b.offset) }));

/** Microsoft's lines for a cycle: the cycle charge, then per change a reversal of the old quantity and the new one. */
function cycleLines(c: Cycle, sub: string, price: Decimal, mode: 'down' | 'half-up'): InvoiceLine[] {
  const last = addDays(c.start, c.days - 1);
  const amount = (days: number, qty: number, sign: 1 | -1) => {
    const eup = round(price.div(dec(c.days)).times(dec(days)), 2, mode);
    return { effectiveUnitPrice: eup.toFixed(), subtotal: eup.times(dec(qty * sign)).toFixed() };
  };
  const out = [
    line({
      sub,
      start: c.start,
      last,
      qty: c.initial,
      unitPrice: price.toFixed(),
      ...amount(c.days, c.initial, 1),
    }),
  ];
  let seats = c.initial;
  for (const ch of c.changes) {
    const from = addDays(c.start, ch.offset);
    const days = c.days - ch.offset;
    const common = { sub, start: from, last, unitPrice: price.toFixed(), chargeType: 'addquantity' } as const;
    out.push(line({ ...common, qty: seats, sign: -1, ...amount(days, seats, -1) }));
    out.push(line({ ...common, qty: ch.seats, ...amount(days, ch.seats, 1) }));
    seats = ch.seats;
  }
  return out;
}

/** Seats Microsoft says the subscription had on day `offset` of the cycle. */
function expectedSeats(c: Cycle, offset: number): number {
  let seats = c.initial;
  for (const ch of c.changes) if (ch.offset <= offset) seats = ch.seats;
  return seats;
}

const price = fc.integer({ min: 100, max: 999_999 }).map((cents) => dec(cents).div(dec(1000))); // 0.100..999.999
const q = (from: PlainDate) => ({ customerTenantId: TENANT, offer: offer('Monthly'), from });

describe('seat timeline properties', () => {
  it('a reversal/new-quantity pair leaves the new quantity over the remaining days of the cycle', () => {
    fc.assert(
      fc.property(startDay.map(fromEpochDay).chain(cycleArb), price, (c, p) => {
        const t = seatTimeline([invoice('G1', periodOf(c.start), cycleLines(c, 's1', p, 'down'))], {
          ...q(c.start),
          to: addDays(c.start, c.days),
        });
        for (let i = 0; i < c.days; i++) {
          expect(seatsOn(t, addDays(c.start, i))?.toFixed()).toBe(String(expectedSeats(c, i)));
        }
      }),
    );
  });

  /**
   * Rounding tolerance: Microsoft rounds each line's EffectiveUnitPrice to cents (ROUNDDOWN per its formula; the
   * 4.2 examples look half-up) and multiplies by the whole Quantity, so each line may differ from its exact
   * proration by less than 0.01 x |Quantity|. The daily prorations of the timeline (unit price / days in the charge
   * cycle x seats that day, unrounded) therefore reproduce the sum of the subtotals within 0.01 x sum(|Quantity|).
   */
  it('summing daily prorations reproduces the line subtotals within 0.01 x sum(|quantity|)', () => {
    fc.assert(
      fc.property(
        startDay.map(fromEpochDay).chain(cycleArb),
        price,
        fc.constantFrom('down', 'half-up'),
        (c, p, mode) => {
          const lines = cycleLines(c, 's1', p, mode as 'down' | 'half-up');
          const range = { start: c.start, end: addDays(c.start, c.days) };
          const t = seatTimeline([invoice('G1', periodOf(c.start), lines)], {
            ...q(range.start),
            to: range.end,
          });
          let prorated = ZERO;
          for (const day of daysOf(range))
            prorated = prorated.plus(p.div(dec(c.days)).times(seatsOn(t, day) ?? ZERO));
          const billed = lines.reduce((acc, l) => acc.plus(l.subtotal.amount), ZERO);
          const tolerance = lines.reduce((acc, l) => acc.plus(l.quantity.abs()), ZERO).times(dec('0.01'));
          expect(prorated.minus(billed).abs().lte(tolerance)).toBe(true);
        },
      ),
    );
  });

  /** Up to three subscriptions, each with up to three consecutive monthly cycles, billed on the invoices of their months. */
  const history = startDay.chain((s) =>
    fc.array(
      fc
        .tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 3 }))
        .chain(([shift, n]) =>
          fc
            .tuple(...Array.from({ length: n }, (_, i) => cycleArb(fromEpochDay(s + shift + i * 31))))
            .map((cycles) => cycles.map((c) => ({ ...c, days: 31 }))),
        ),
      { minLength: 1, maxLength: 3 },
    ),
  );

  function invoicesOf(subs: Cycle[][], only?: number): TimelineInvoice[] {
    const byPeriod = new Map<string, InvoiceLine[]>();
    subs.forEach((cycles, i) => {
      for (const c of cycles) {
        const list = byPeriod.get(periodOf(c.start)) ?? [];
        if (only === undefined || only === i) list.push(...cycleLines(c, `s${i}`, dec('6.3'), 'down'));
        byPeriod.set(periodOf(c.start), list);
      }
    });
    return [...byPeriod.entries()].map(([period, lines]) => invoice(`G-${period}`, period, lines));
  }

  const windowOf = (subs: Cycle[][]) => {
    const starts = subs
      .flat()
      .map((c) => c.start)
      .sort();
    return { from: addDays(starts[0]!, -3), to: addDays(starts[starts.length - 1]!, 100) };
  };

  it('the offer timeline is the sum over subscriptions', () => {
    fc.assert(
      fc.property(history, (subs) => {
        const w = windowOf(subs);
        const all = seatTimeline(invoicesOf(subs), { ...q(w.from), to: w.to });
        const parts = subs.map((_, i) => seatTimeline(invoicesOf(subs, i), { ...q(w.from), to: w.to }));
        for (const day of daysOf({ start: w.from, end: w.to })) {
          const sum = parts.reduce((acc, t) => acc.plus(seatsOn(t, day) ?? ZERO), ZERO);
          expect(seatsOn(all, day)?.toFixed(), day).toBe(sum.toFixed());
        }
      }),
      { numRuns: 60 },
    );
  });

  it('the order of input lines and invoices does not matter', () => {
    fc.assert(
      fc.property(
        history.chain((subs) => {
          const invoices = invoicesOf(subs);
          const shuffled = fc
            .tuple(
              fc.shuffledSubarray(invoices, { minLength: invoices.length, maxLength: invoices.length }),
              fc.func(fc.integer()),
            )
            .map(([inv, key]) =>
              inv.map((i) => ({
                header: i.header,
                lines: [...i.lines]
                  .map((l, n) => ({ l, k: key(n) }))
                  .sort((a, b) => a.k - b.k)
                  .map((x) => x.l),
              })),
            );
          return fc.tuple(fc.constant({ subs, invoices }), shuffled);
        }),
        ([{ subs, invoices }, shuffled]) => {
          const w = windowOf(subs);
          const a = seatTimeline(invoices, { ...q(w.from), to: w.to });
          const b = seatTimeline(shuffled, { ...q(w.from), to: w.to });
          const show = (t: typeof a) => ({
            segments: t.segments.map((s) => `${s.start}..${s.end}=${s.seats.toFixed()}`),
            changes: t.changes.map((c) => `${c.day}:${c.old.toFixed()}->${c.new.toFixed()}`),
          });
          expect(show(b)).toEqual(show(a));
        },
      ),
      { numRuns: 60 },
    );
  });
});
