import { describe, expect, it } from 'vitest';
import { dec, ZERO } from '../money/decimal';
import type { TargetCharge } from '../ports/target';
import { addDays, parsePlainDate as d } from '../time/plain-date';
import { chargeOperations } from './locked-charges';
import type { MonthGap } from './locked-gaps';

const WORK = {
  tenantId: 't1',
  offerKey: 'CFQ7TTC0LCHC:0002',
  title: 'Microsoft 365 Business Premium',
  productId: 'p1',
  contract: { id: 'c1' },
  chargeCodeId: undefined,
};

/** February 2028 (29 days): 2 seats more at 9.30 a seat-day (269.70 a month) from the 10th to `last`. */
function february(last: number, perDay = '269.70'): MonthGap {
  const start = d('2028-02-10');
  const end = addDays(d('2028-02-01'), last);
  const days = last - 9;
  const amount = dec(2).times(dec(perDay));
  return {
    month: '2028-02' as MonthGap['month'],
    amount: amount.times(days).div(29),
    cost: ZERO,
    stretches: [{ start, end }],
    parts: [{ start, end, amount, cost: ZERO }],
    reasons: new Set(['period']),
  };
}

function booked(amount: string, description: string): TargetCharge {
  return {
    id: '1',
    contractId: 'c1',
    productId: 'p1',
    contractLineId: 'l1',
    date: d('2028-02-10'),
    name: 'billsync charge 1',
    description,
    amount: dec(amount),
    cost: ZERO,
    billsync: true,
    sequence: 1,
    billed: false,
  };
}

const EARLIER = booked(
  '353.40',
  'Correction: Microsoft 365 Business Premium, 10-28 Feb 2028. Microsoft CSP Microsoft 365 Business Premium, ' +
    '10-28 Feb 2028: the contract line could not be changed on these days (the PSA changes this line only on ' +
    'the first day of a month). This charge makes the month bill what Microsoft invoiced.',
);

describe('the label of a month\'s later charge (spec section 6, "labelled with the days")', () => {
  it('names only the days no earlier charge of the month names, when it books exactly their money', () => {
    const plan = chargeOperations(WORK, 'l1', [february(29)], [EARLIER], []);
    expect(plan.operations).toHaveLength(1);
    const op = plan.operations[0] as {
      name: string;
      amount: { toFixed(n: number): string };
      sequence: number;
    };
    expect(op.name).toBe('Correction: Microsoft 365 Business Premium, 29 Feb 2028');
    expect(op.amount.toFixed(2)).toBe('18.60');
    expect(op.sequence).toBe(2);
    expect(plan.messages[0]?.text).toMatch(/^29 Feb 2028 could not be changed/);
  });

  it('names every locked day when the money left is not those days alone (a corrected invoice)', () => {
    // The seats of 10-28 Feb changed as well (a re-issue): the booking corrects days named before.
    const plan = chargeOperations(WORK, 'l1', [february(29, '300.15')], [EARLIER], []);
    expect((plan.operations[0] as { name: string }).name).toBe(
      'Correction: Microsoft 365 Business Premium, 10-29 Feb 2028',
    );
  });

  it('names every locked day when the earlier charge does not say which it booked', () => {
    const plan = chargeOperations(WORK, 'l1', [february(29)], [booked('353.40', 'typed by hand')], []);
    expect((plan.operations[0] as { name: string }).name).toBe(
      'Correction: Microsoft 365 Business Premium, 10-29 Feb 2028',
    );
  });

  it('books nothing more when the month is right', () => {
    const plan = chargeOperations(WORK, 'l1', [february(28)], [EARLIER], []);
    expect(plan.operations).toEqual([]);
  });
});

describe('a month whose days no longer differ, or whose differences cancel out (spec section 6)', () => {
  const none: MonthGap = {
    month: '2028-02' as MonthGap['month'],
    amount: ZERO,
    cost: ZERO,
    stretches: [],
    parts: [],
    reasons: new Set(),
  };

  it('credits what billsync booked before, labelled with the days that charge named', () => {
    const plan = chargeOperations(WORK, 'l1', [none], [EARLIER], []);
    expect(plan.operations).toHaveLength(1);
    const op = plan.operations[0] as {
      name: string;
      amount: { toFixed(n: number): string };
      sequence: number;
    };
    expect(op.name).toBe('Credit: Microsoft 365 Business Premium, 10-28 Feb 2028');
    expect(op.amount.toFixed(2)).toBe('-353.40');
    expect(op.sequence).toBe(2);
    expect(plan.messages).toEqual([
      {
        level: 'warning',
        text: '10-28 Feb 2028: a corrected invoice no longer bills what billsync booked for these days: booked a credit of -353.40 (cost 0.00) on the contract',
      },
    ]);
    // Once credited, the month is right: nothing more.
    const credit = { ...booked('-353.40', 'credit'), sequence: 2 };
    expect(chargeOperations(WORK, 'l1', [none], [EARLIER, credit], []).operations).toEqual([]);
  });

  it('days that differ but cancel out: nothing booked; told in the run that writes that month only', () => {
    const start = d('2028-02-05');
    const cancel: MonthGap = {
      ...none,
      stretches: [{ start, end: addDays(start, 2) }],
      parts: [
        { start, end: addDays(start, 1), amount: dec('9.30'), cost: dec('8') },
        { start: addDays(start, 1), end: addDays(start, 2), amount: dec('-9.30'), cost: dec('-8') },
      ],
      reasons: new Set(['held', 'changed']),
    };
    const writing = chargeOperations(WORK, 'l1', [cancel], [], [], new Set([cancel.month]));
    expect(writing.operations).toEqual([]);
    expect(writing.messages[0]).toMatchObject({ level: 'warning' });
    expect(writing.messages[0]?.text).toMatch(
      /^5-6 Feb 2028 could not be changed \(.*\): their differences cancel out/,
    );
    // A re-run, or a later month's run (it writes March, not February), stays quiet.
    expect(chargeOperations(WORK, 'l1', [cancel], [], []).messages).toEqual([]);
    expect(
      chargeOperations(WORK, 'l1', [cancel], [], [], new Set(['2028-03' as MonthGap['month']])).messages,
    ).toEqual([]);
    // Where the line changes only on the 1st (ConnectWise), partial months are routine: info, not a warning.
    const period = { ...cancel, reasons: new Set(['period'] as const) };
    expect(chargeOperations(WORK, 'l1', [period], [], [], new Set([cancel.month])).messages[0]?.level).toBe(
      'info',
    );
  });
});
