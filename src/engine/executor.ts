import type { WorkspaceId } from '../core/ids';
import { type IntegrationError, waitsTooLong } from '../core/integration-error';
import type { Applied, PlannedOperation, TargetAdapter } from '../core/ports/target';
import { err, ok, type Result } from '../core/result';
import { type JournalRow, listJournal, setJournalState, updateRunItem } from '../db/repos/runs';
import { saveLink, type TargetKind } from '../db/repos/sync';
import { DEFAULT_RETRY, type EngineDeps } from './deps';
import { decodeOperation, itemKeyOf } from './plan-codec';

export interface ExecutionOutcome {
  done: number;
  failed: number;
  /** Operations that were found already applied by a probe (a lost response or a crash): never sent twice. */
  probedApplied: number;
  writes: number;
}

/** The item message of a failed write (also read back from the journal's stored error, `reopenRetryable`). */
export function describeWriteError(
  e: Pick<IntegrationError, 'message'> & { vendorMessages?: readonly string[] },
): string {
  // The vendor's words once: a message that already quotes them (a rate limit's text) does not repeat them.
  const more = (e.vendorMessages ?? []).filter((m) => !e.message.includes(m));
  const vendor = more.length ? ` (${more.join('; ')})` : '';
  return `${e.message}${vendor}`;
}

/** The journal error of a write not sent because an earlier change of its line failed: resumed with it. */
export const NOT_SENT = {
  message: 'not sent: an earlier change of this line failed; the next sync plans it again',
  notSent: true,
};

/**
 * Applies a run's journal, one operation at a time, in order. Each write is marked in-flight before it is sent
 * and done after; an operation found in-flight (the process died, or the response was lost) is probed, never
 * blindly re-sent. Retryable failures are retried with backoff; once an operation of a line fails, the later
 * operations of the same line are not sent (they are deltas on top of it) and the next run re-plans them.
 */
export async function executeJournal(
  deps: EngineDeps,
  ws: WorkspaceId,
  target: TargetKind,
  runId: string,
  adapter: TargetAdapter,
): Promise<ExecutionOutcome> {
  const retry = deps.retry ?? DEFAULT_RETRY;
  const outcome: ExecutionOutcome = { done: 0, failed: 0, probedApplied: 0, writes: 0 };
  const failedItems = new Set<string>();
  const rows = await listJournal(deps.pool, runId);
  for (const row of rows) {
    const op = decodeOperation(row.op);
    const itemKey = row.item_key ?? itemKeyOf(op);
    if (row.state === 'done') {
      outcome.done += 1;
      continue;
    }
    if (row.state === 'failed' || failedItems.has(itemKey)) {
      if (row.state !== 'failed') {
        await setJournalState(deps.pool, runId, row.seq, 'failed', { error: NOT_SENT });
      }
      outcome.failed += 1;
      failedItems.add(itemKey);
      continue;
    }
    const result = await runOne(deps, runId, row, op, adapter, retry, outcome);
    if (result.ok) {
      outcome.done += 1;
      await setJournalState(deps.pool, runId, row.seq, 'done', { result: result.value });
      await recordLinks(deps, ws, target, op, result.value);
    } else {
      outcome.failed += 1;
      failedItems.add(itemKey);
      await setJournalState(deps.pool, runId, row.seq, 'failed', { error: result.error.toJSON() });
      await updateRunItem(deps.pool, runId, itemKey, {
        status: 'error',
        message: { level: 'error', text: describeWriteError(result.error) },
      });
    }
  }
  return outcome;
}

async function runOne(
  deps: EngineDeps,
  runId: string,
  row: JournalRow,
  op: PlannedOperation,
  adapter: TargetAdapter,
  retry: NonNullable<EngineDeps['retry']>,
  outcome: ExecutionOutcome,
): Promise<Result<Applied, IntegrationError>> {
  let uncertain = row.state === 'in_flight';
  let last: IntegrationError | undefined;
  for (let attempt = 0; attempt < retry.attempts; attempt += 1) {
    if (uncertain) {
      // We do not know whether the last send landed: look before sending again.
      const probe = await adapter.probe({}, op);
      if (!probe.ok) {
        last = probe.error;
        if (waitsTooLong(probe.error)) return err(probe.error);
        await retry.sleep(delay(retry, attempt, probe.error));
        continue;
      }
      if (probe.value !== 'absent') {
        outcome.probedApplied += 1;
        return ok(probe.value);
      }
      uncertain = false;
    }
    await setJournalState(deps.pool, runId, row.seq, 'in_flight', { attempt: true });
    deps.beforeWrite?.(op.key);
    outcome.writes += 1;
    const applied = await adapter.apply({}, op);
    if (applied.ok) return applied;
    last = applied.error;
    if (applied.error.outcomeUnknown) {
      uncertain = true;
      continue;
    }
    if (!applied.error.retryable) return applied;
    // A PSA that asks for a long pause (Autotask's hourly threshold: Retry-After up to an hour) is not waited out
    // here: the CLI would sit silent and a worker would hold the PSA for as long. The write fails as retryable,
    // the run ends in error saying so, and it is resumed later (spec section 7: "error after retries; the run can
    // be resumed"). Nothing was sent that landed: the journal row is failed, not in flight.
    if (waitsTooLong(applied.error)) return applied;
    await retry.sleep(delay(retry, attempt, applied.error));
  }
  return err(last!);
}

function delay(retry: NonNullable<EngineDeps['retry']>, attempt: number, e: IntegrationError): number {
  if (e.retryAfterSeconds !== undefined) return e.retryAfterSeconds * 1000;
  return retry.baseDelayMs * 2 ** attempt;
}

async function recordLinks(
  deps: EngineDeps,
  ws: WorkspaceId,
  target: TargetKind,
  op: PlannedOperation,
  applied: Applied,
) {
  if (!applied.targetId) return;
  if (op.kind === 'create-product')
    await saveLink(deps.pool, ws, target, 'product', op.offerKey, applied.targetId);
  if (op.kind === 'adjust-contract-line') {
    await saveLink(
      deps.pool,
      ws,
      target,
      'contract-line',
      `${op.customerTenantId}|${op.offerKey}`,
      applied.targetId,
    );
  }
}
