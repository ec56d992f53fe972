import type { TargetAdapter } from '../core/ports/target';
import {
  getRun,
  heldRuns,
  listJournal,
  setRunStatus,
  supersedeHeldRuns,
  supersedeOpenRuns,
} from '../db/repos/runs';
import { listLinks, listMappings, type MappingRow, type StoredProgram } from '../db/repos/sync';
import { inUseOffers } from '../db/repos/sync-source';
import { AppError } from '../services/errors';
import type { EngineDeps } from './deps';
import { executeRun, executionBatch } from './execute-runs';
import { customerLockKey, productLockKey, withLock, withLockSet } from './locks';
import { canonicalJson, encodeOperation } from './plan-codec';
import { type CustomerPlan, planCustomers, type UpcomingProducts } from './plan-customers';
import { missingProducts, planProducts } from './plan-products';
import { requireProgram } from './program';
import {
  needsApproval,
  type RunContext,
  type RunSummary,
  reopenRetryable,
  storeRun,
  summarizeRun,
} from './runs';

/**
 * Product sync (spec section 4): snapshot, plan, store (the preview), and unless `preview`, execute through the
 * journal. One product sync per PSA connection at a time.
 */
export async function syncProducts(
  deps: EngineDeps,
  ctx: RunContext,
  options: { preview: boolean },
): Promise<RunSummary> {
  const program = await requireProgram(deps.pool, ctx.ws, ctx.target);
  const adapter = await deps.openTarget(ctx.ws, ctx.target);
  if (options.preview) {
    const { plan } = await planProducts(deps, ctx.ws, ctx.target, program, adapter, ctx.asOf);
    return summarizeRun(deps, ctx.ws, await storeRun(deps, ctx, 'product', plan, 'preview', undefined));
  }
  return withLock(deps.pool, productLockKey(ctx.ws, ctx.target), async () => {
    await supersedeOpenRuns(deps.pool, ctx.ws, ctx.target, 'product', null);
    const { plan } = await planProducts(deps, ctx.ws, ctx.target, program, adapter, ctx.asOf);
    const runId = await storeRun(deps, ctx, 'product', plan, 'running', undefined);
    return executeRun(deps, ctx, runId, adapter);
  });
}

export interface CustomerSyncOptions {
  preview: boolean;
  /** Only these customers (tenant ids); default: every mapped customer whose sync is on. */
  tenantIds?: readonly string[];
  /** Progress callback (one call per customer). */
  onProgress?: (done: number, total: number) => void;
}

/** Mapped customers to sync: the requested ones (they must be mapped and on) or all with sync on. */
async function selectMappings(
  deps: EngineDeps,
  ctx: RunContext,
  tenantIds: readonly string[] | undefined,
): Promise<MappingRow[]> {
  const all = await listMappings(deps.pool, ctx.ws, ctx.target);
  if (!tenantIds) return all.filter((m) => m.sync_on && m.contract_id);
  return tenantIds.map((t) => {
    const m = all.find((x) => x.tenant_id === t.toLowerCase());
    if (!m || !m.contract_id)
      throw new AppError('bad_request', `Customer ${t} is not mapped to a contract: map it first`);
    if (!m.sync_on && m.paused_reason)
      throw new AppError(
        'bad_request',
        `Sync of customer ${t} is paused: ${m.paused_reason}. Check the contract in the PSA, then switch its sync on again in the mapping`,
      );
    if (!m.sync_on)
      throw new AppError('bad_request', `Sync is off for customer ${t}: switch it on in the mapping`);
    return m;
  });
}

const BATCH = 50;

const SUPERSEDED_HELD =
  'Superseded: a newer sync planned this customer again from the current PSA state and invoices (see its newer run)';

const SHADOW_MESSAGE =
  'Shadow first sync: nothing was written. Compare what the PSA bills with what the invoices say (per month and offer), then apply this run or reject it';

/**
 * Customer syncs (spec section 6): per customer one run. Customers are taken in batches: the batch's PSA state is
 * read in one snapshot, then each customer is planned, stored and executed while holding its lock, so two runs
 * for one customer never execute at once and a plan is never applied to a PSA state it was not made from.
 */
export async function syncCustomers(
  deps: EngineDeps,
  ctx: RunContext,
  options: CustomerSyncOptions,
): Promise<RunSummary[]> {
  const program = await requireProgram(deps.pool, ctx.ws, ctx.target);
  const mappings = await selectMappings(deps, ctx, options.tenantIds);
  const adapter = await deps.openTarget(ctx.ws, ctx.target);
  if (!options.preview && mappings.length > 0)
    await syncNeededProducts(
      deps,
      ctx,
      program,
      adapter,
      mappings.map((m) => m.tenant_id),
    );
  // A preview shows what the sync will do, products it creates first included (issue 13, spec section 9).
  const upcoming =
    options.preview && mappings.length > 0
      ? await upcomingProducts(
          deps,
          ctx,
          program,
          adapter,
          mappings.map((m) => m.tenant_id),
        )
      : undefined;
  const results: RunSummary[] = [];
  for (let i = 0; i < mappings.length; i += BATCH) {
    const batch = mappings.slice(i, i + BATCH);
    const run = async () => {
      // Under the locks: an interrupted older run of these customers must not be resumed after this fresh plan.
      if (!options.preview) {
        await supersedeOpenRuns(
          deps.pool,
          ctx.ws,
          ctx.target,
          'customer',
          batch.map((m) => m.tenant_id),
        );
      }
      const { plans } = await planCustomers(
        deps,
        ctx.ws,
        ctx.target,
        program,
        adapter,
        batch,
        ctx.asOf,
        undefined,
        upcoming?.products,
      );
      if (upcoming) for (const p of plans) tellUpcoming(p, upcoming);
      // A run that waits for approval was planned from an older PSA state and fewer invoices: this plan replaces
      // it (the same plan keeps it), so an overtaken plan can never be applied later (spec section 9).
      const held = options.preview
        ? new Map<string, never[]>()
        : await heldRuns(
            deps.pool,
            ctx.ws,
            ctx.target,
            batch.map((m) => m.tenant_id),
          );
      // The batch's runs are executed one by one and their writes checked with one read of the PSA (issue 14).
      const executing = executionBatch(deps, ctx, adapter);
      const slots: (RunSummary | string)[] = [];
      let handled = 0;
      const progress = () => options.onProgress?.(results.length + ++handled, mappings.length);
      const handle = async (p: CustomerPlan, i: number) => {
        const customer = { tenantId: p.tenantId, name: p.customerName };
        if (options.preview) {
          slots[i] = await summarizeRun(
            deps,
            ctx.ws,
            await storeRun(deps, ctx, 'customer', p.plan, 'preview', customer),
          );
        } else if (p.plan.shadow || needsApproval(p.plan, program)) {
          // A shadow first sync (or a change over the approval threshold) waits for a user to apply it.
          const ops = canonicalJson(p.plan.operations.map(encodeOperation));
          const waiting = held.get(p.tenantId) ?? [];
          const same = waiting.findLast(
            (r) =>
              canonicalJson(r.plan.operations) === ops && Boolean(r.plan.shadow) === Boolean(p.plan.shadow),
          );
          await supersedeHeldRuns(
            deps.pool,
            waiting.filter((r) => r !== same).map((r) => r.id),
            SUPERSEDED_HELD,
          );
          let runId = same?.id;
          if (!runId) {
            runId = await storeRun(deps, ctx, 'customer', p.plan, 'awaiting_approval', customer);
            if (p.plan.shadow)
              await setRunStatus(deps.pool, runId, 'awaiting_approval', { message: SHADOW_MESSAGE });
          }
          slots[i] = await summarizeRun(deps, ctx.ws, runId);
        } else {
          await supersedeHeldRuns(
            deps.pool,
            (held.get(p.tenantId) ?? []).map((r) => r.id),
            SUPERSEDED_HELD,
          );
          const runId = await storeRun(deps, ctx, 'customer', p.plan, 'running', customer);
          await executing.execute(runId);
          slots[i] = runId;
        }
        progress();
      };
      // Two lanes (issue 14): the runs that write go one after the other, as before; the runs that only store
      // their outcome (nothing to write, previews, approvals) are stored beside them, so the PSA is not kept
      // waiting on the database work of customers it has nothing to do with. Customers differ, locks are held.
      const writes = (p: CustomerPlan) =>
        !options.preview && !p.plan.shadow && !needsApproval(p.plan, program) && p.plan.operations.length > 0;
      const lane = async (pick: (p: CustomerPlan) => boolean) => {
        for (const [i, p] of plans.entries()) if (pick(p)) await handle(p, i);
      };
      const lanes = await Promise.allSettled([lane(writes), lane((p) => !writes(p))]);
      const failed = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
      if (failed) {
        // The other lane may have executed runs after the failure settled the earlier ones: finish them too.
        await executing.settle().catch(() => {});
        throw failed.reason;
      }
      const finished = new Map((await executing.settle()).map((r) => [r.runId, r]));
      for (const slot of slots) results.push(typeof slot === 'string' ? finished.get(slot)! : slot);
    };
    if (options.preview) await run();
    else
      await withLockSet(
        deps.pool,
        batch.map((m) => customerLockKey(ctx.ws, ctx.target, m.tenant_id)),
        run,
      );
  }
  return results;
}

/** Whether these customers' invoices use offers that have no PSA product yet (the sync creates them first). */
async function productsMissing(
  deps: EngineDeps,
  ctx: RunContext,
  tenantIds: readonly string[],
): Promise<boolean> {
  const [inUse, links] = await Promise.all([
    inUseOffers(deps.pool, ctx.ws, ctx.target, ctx.asOf, tenantIds),
    listLinks(deps.pool, ctx.ws, ctx.target, 'product'),
  ]);
  return missingProducts(inUse, links).size > 0;
}

/**
 * The products these customers' invoices need and the PSA does not have yet are created first (a product sync
 * of just those offers, stored as a product run), so a customer's first sync never fails on "not linked in the
 * PSA yet" (issue 13). Nothing happens when every product is there.
 */
async function syncNeededProducts(
  deps: EngineDeps,
  ctx: RunContext,
  program: StoredProgram,
  adapter: TargetAdapter,
  tenantIds: readonly string[],
): Promise<void> {
  if (!(await productsMissing(deps, ctx, tenantIds))) return;
  await withLock(deps.pool, productLockKey(ctx.ws, ctx.target), async () => {
    const { plan } = await planProducts(deps, ctx.ws, ctx.target, program, adapter, ctx.asOf, tenantIds);
    if (plan.operations.length === 0) return;
    const runId = await storeRun(deps, ctx, 'product', plan, 'running', undefined);
    await executeRun(deps, ctx, runId, adapter);
  });
}

/**
 * What syncNeededProducts would create for these customers, read-only: placeholder links and products the preview
 * plans with, and each new product's name. Undefined when every product is there.
 */
async function upcomingProducts(
  deps: EngineDeps,
  ctx: RunContext,
  program: StoredProgram,
  adapter: TargetAdapter,
  tenantIds: readonly string[],
): Promise<{ products: UpcomingProducts; names: Map<string, string> } | undefined> {
  if (!(await productsMissing(deps, ctx, tenantIds))) return undefined;
  const { plan } = await planProducts(deps, ctx.ws, ctx.target, program, adapter, ctx.asOf, tenantIds);
  const created = plan.operations.flatMap((op) => (op.kind === 'create-product' ? [op] : []));
  if (created.length === 0) return undefined;
  const id = (offerKey: string) => `new:${offerKey}`;
  return {
    products: {
      links: new Map(created.map((op) => [op.offerKey, id(op.offerKey)])),
      products: created.map((op) => ({
        id: id(op.offerKey),
        name: op.name,
        description: op.description,
        unitPrice: op.unitPrice,
        unitCost: op.unitCost,
        period: op.period,
        active: true,
        billingCodeId: op.billingCodeId,
        vendorId: op.vendorId,
      })),
    },
    names: new Map(created.map((op) => [op.offerKey, op.name])),
  };
}

/** A preview item whose product the sync creates first says so. */
function tellUpcoming(p: CustomerPlan, upcoming: { names: ReadonlyMap<string, string> }): void {
  for (const item of p.plan.items) {
    const name = item.offerKey === undefined ? undefined : upcoming.names.get(item.offerKey);
    if (name === undefined || item.status === 'error') continue;
    item.messages.push({
      level: 'info',
      text: `The product ${name} is not linked in the PSA yet: the sync adds it first (a product sync of what these customers need), then makes these changes`,
    });
  }
}

/** Executes a run that waits for approval, if its plan still holds; else stores the fresh plan for approval. */
export async function approveRun(deps: EngineDeps, ctx: RunContext, runId: string): Promise<RunSummary> {
  const run = await getRun(deps.pool, ctx.ws, runId);
  if (!run) throw new AppError('not_found', 'No such run');
  if (run.status !== 'awaiting_approval')
    throw new AppError('conflict', `The run is ${run.status}, not awaiting approval`);
  const program = await requireProgram(deps.pool, ctx.ws, ctx.target);
  const adapter = await deps.openTarget(ctx.ws, ctx.target);
  const mapping = (await selectMappings(deps, ctx, [run.tenant_id ?? '']))[0]!;
  return withLock(deps.pool, customerLockKey(ctx.ws, ctx.target, mapping.tenant_id), async () => {
    const { plans } = await planCustomers(deps, ctx.ws, ctx.target, program, adapter, [mapping], run.as_of);
    const fresh = plans[0]!.plan;
    const same = canonicalJson(fresh.operations.map(encodeOperation)) === canonicalJson(run.plan.operations);
    if (!same) {
      await setRunStatus(deps.pool, runId, 'superseded', {
        finished: true,
        message: 'The PSA or the invoices changed since this preview: a new preview waits for approval',
      });
      const next = await storeRun(deps, { ...ctx, asOf: run.as_of }, 'customer', fresh, 'awaiting_approval', {
        tenantId: mapping.tenant_id,
        name: plans[0]!.customerName,
      });
      return summarizeRun(deps, ctx.ws, next);
    }
    return executeRun(deps, ctx, runId, adapter);
  });
}

export async function rejectRun(deps: EngineDeps, ctx: RunContext, runId: string): Promise<RunSummary> {
  const run = await getRun(deps.pool, ctx.ws, runId);
  if (!run) throw new AppError('not_found', 'No such run');
  if (run.status !== 'awaiting_approval')
    throw new AppError('conflict', `The run is ${run.status}, not awaiting approval`);
  await setRunStatus(deps.pool, runId, 'rejected', { finished: true, message: `Rejected by ${ctx.actor}` });
  return summarizeRun(deps, ctx.ws, runId);
}

/**
 * Resumes a run that was interrupted (crash, killed worker) or ended with retryable errors: in-flight operations
 * are probed first, so nothing is applied twice. The final PSA state equals that of an uninterrupted run.
 */
export async function resumeRun(deps: EngineDeps, ctx: RunContext, runId: string): Promise<RunSummary> {
  const run = await getRun(deps.pool, ctx.ws, runId);
  if (!run) throw new AppError('not_found', 'No such run');
  if (!['running', 'interrupted', 'error'].includes(run.status)) {
    throw new AppError('conflict', `The run is ${run.status}: there is nothing to resume`);
  }
  const key =
    run.kind === 'customer'
      ? customerLockKey(ctx.ws, ctx.target, run.tenant_id ?? '')
      : productLockKey(ctx.ws, ctx.target);
  const adapter = await deps.openTarget(ctx.ws, ctx.target);
  return withLock(deps.pool, key, async () => {
    await reopenRetryable(deps, runId);
    const open = (await listJournal(deps.pool, runId)).some(
      (r) => r.state === 'pending' || r.state === 'in_flight',
    );
    if (!open && run.status !== 'running' && run.status !== 'interrupted')
      return summarizeRun(deps, ctx.ws, runId);
    return executeRun(deps, ctx, runId, adapter);
  });
}
