import { describe, expect, it } from 'vitest';
import type { Plan, PlanItem } from '../../src/core/planner/types';
import type { StoredProgram } from '../../src/db/repos/sync';
import { needsApproval } from '../../src/engine/runs';

/** Spec section 9: "require approval when the monthly value of a contract changes by more than N %". */
const item = (over: Partial<PlanItem>): PlanItem => ({
  key: 'k',
  label: 'Contoso / Business Premium',
  action: 'adjust',
  status: 'ok',
  messages: [],
  ...over,
});
const plan = (items: PlanItem[]): Plan => ({
  // One operation stands for "something to write"; needsApproval reads only whether there is any.
  operations: [{ kind: 'noop' } as unknown as Plan['operations'][number]],
  items,
  invoiceIds: [],
});
const program = (percent: number | null) => ({ approvalThresholdPercent: percent }) as StoredProgram;

describe('the approval threshold', () => {
  it('holds a change of the monthly value over N % of it, applies one under', () => {
    const p = plan([item({ monthlyBefore: '310', monthlyDelta: '31' })]);
    expect(needsApproval(p, program(20))).toBe(false);
    expect(needsApproval(p, program(9))).toBe(true);
    expect(needsApproval(p, program(null))).toBe(false);
  });

  it("holds a change inside a past month that leaves today's monthly value as it was (a spike, a correction)", () => {
    // 14 seats at 31.00 = 434.00 a month; 28 seats from 6 to 25 April and back: April's bill +298.67 (69 %).
    const spike = plan([
      item({ monthlyBefore: '434', monthlyDelta: '0', monthChanges: { '2026-04': '298.67' } }),
    ]);
    expect(needsApproval(spike, program(20))).toBe(true);
    expect(needsApproval(spike, program(70))).toBe(false);
  });

  it("sums each month's change over the contract's lines before comparing", () => {
    const two = plan([
      item({ key: 'a', monthlyBefore: '500', monthlyDelta: '0', monthChanges: { '2026-04': '60' } }),
      item({
        key: 'b',
        monthlyBefore: '500',
        monthlyDelta: '0',
        monthChanges: { '2026-04': '60', '2026-03': '-50' },
      }),
    ]);
    // April: +120 of 1,000 = 12 %; March: -50 = 5 %.
    expect(needsApproval(two, program(10))).toBe(true);
    expect(needsApproval(two, program(15))).toBe(false);
  });

  it('a first sync (nothing billed before) is held when it writes any money', () => {
    expect(needsApproval(plan([item({ monthlyBefore: '0', monthlyDelta: '310' })]), program(50))).toBe(true);
    expect(
      needsApproval(
        plan([item({ monthlyBefore: '0', monthlyDelta: '0', monthChanges: { '2026-01': '12' } })]),
        program(50),
      ),
    ).toBe(true);
  });
});
