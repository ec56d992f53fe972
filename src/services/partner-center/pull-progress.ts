import type { WorkspaceId } from '../../core/ids';
import type { Clock } from '../../core/time/clock';
import type { Queryable } from '../../db/pool';
import { type PullRecord, pullOf } from './model';
import { writeManaged } from './store';

export interface PullTotals {
  invoicesPulled: number;
  pricesChanged: boolean;
  priceEntries: number | null;
  errors: string[];
  /** Something was read at all (customers, an invoice or the price list): failed only when nothing was. */
  readSomething: boolean;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function summary(t: PullTotals): string {
  const invoices = t.invoicesPulled
    ? `${plural(t.invoicesPulled, 'new or corrected invoice')}`
    : 'no new invoice';
  const prices =
    t.priceEntries === null
      ? 'price list not read'
      : `price list: ${plural(t.priceEntries, 'entry', 'entries')}${t.pricesChanged ? ' (changed)' : ' (unchanged)'}`;
  const problems = t.errors.length ? `; ${plural(t.errors.length, 'problem')}` : '';
  return `${invoices}, ${prices}${problems}`;
}

/**
 * What the Microsoft CSP card shows of a running pull (`settings.pull` of the connection): each step as it
 * happens, then the outcome. Written outside the pull's transactions, and never fatal: a pull that cannot record
 * its progress still pulls.
 */
export function createPullProgress(
  deps: { pool: Queryable; clock: Clock; log?: (message: string) => void },
  ws: WorkspaceId,
) {
  let record: PullRecord | undefined;
  const write = async () => {
    if (!record) return;
    try {
      await writeManaged(deps.pool, ws, 'pull', record);
    } catch (error) {
      deps.log?.(
        `pull progress of ${ws} not recorded: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  return {
    /** Running from now on; a Pull now's job id (the queued record's) is kept. */
    async start(settings: Readonly<Record<string, unknown>>): Promise<void> {
      const before = pullOf(settings);
      record = {
        state: 'running',
        jobId: before?.state === 'queued' ? before.jobId : null,
        startedAt: deps.clock.now(),
        finishedAt: null,
        step: 'Signing in to Partner Center',
        invoicesPulled: 0,
        pricesChanged: false,
        priceEntries: null,
        errors: [],
      };
      await write();
    },
    async step(text: string): Promise<void> {
      if (!record) return;
      record = { ...record, step: text.slice(0, 300) };
      await write();
    },
    async finish(t: PullTotals): Promise<PullRecord | undefined> {
      if (!record) return undefined;
      const state = t.errors.length === 0 ? 'done' : t.readSomething ? 'warning' : 'failed';
      record = {
        ...record,
        state,
        finishedAt: deps.clock.now(),
        step: summary(t),
        invoicesPulled: t.invoicesPulled,
        pricesChanged: t.pricesChanged,
        priceEntries: t.priceEntries,
        errors: t.errors.slice(0, 20),
      };
      await write();
      return record;
    },
  };
}
