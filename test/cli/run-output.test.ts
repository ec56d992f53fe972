import { describe, expect, it } from 'vitest';
import { exitCodeOf, summaryTable } from '../../src/cli/run-output';
import type { RunSummary } from '../../src/engine/runs';

const run = (status: RunSummary['status'], items: Partial<RunSummary['items']> = {}): RunSummary => ({
  runId: `run-${status}`,
  kind: 'customer',
  tenantId: 't1',
  customerName: 'Contoso',
  status,
  operations: 1,
  items: { no_change: 0, ok: 0, warning: 0, error: 0, skipped: 0, ...items },
  writes: 0,
  probedApplied: 0,
  message: null,
});

describe('CLI exit codes of syncs', () => {
  it('0 for success and no change, 2 for warnings or approval, 1 for errors', () => {
    expect(exitCodeOf([])).toBe(0);
    expect(exitCodeOf([run('success'), run('no_change')])).toBe(0);
    expect(exitCodeOf([run('success'), run('warning')])).toBe(2);
    expect(exitCodeOf([run('awaiting_approval')])).toBe(2);
    expect(exitCodeOf([run('warning'), run('error')])).toBe(1);
    expect(exitCodeOf([run('interrupted')])).toBe(1);
  });

  it('a preview counts what its items would do', () => {
    expect(exitCodeOf([run('preview', { ok: 3 })])).toBe(0);
    expect(exitCodeOf([run('preview', { warning: 1 })])).toBe(2);
    expect(exitCodeOf([run('preview', { warning: 1, error: 1 })])).toBe(1);
  });

  it('prints a table of runs, or says there was nothing to sync', () => {
    expect(summaryTable([])).toMatch(/Nothing to sync/);
    expect(summaryTable([run('warning', { warning: 2 })])).toMatch(/run-warning +Contoso +Warning +0 +2/);
  });
});
