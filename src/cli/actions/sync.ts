import type { Command } from 'commander';
import {
  adoptProduct,
  previewCustomers,
  previewProducts,
  resolveCustomerRef,
  startCustomerSync,
  startProductSync,
} from '../../services/sync';
import { output } from '../output';
import { finishRuns } from '../run-output';
import { parseDateOption, parseTarget, withSync } from '../sync-context';

export interface SyncOptions {
  target: string;
  preview?: boolean;
  asOf?: string;
  customer?: string[];
  workspace?: string;
}

/** `billsync sync products`: exit 0 ok / no change, 2 warnings, 1 errors. */
export async function syncProducts(opts: SyncOptions, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const target = parseTarget(opts.target);
  const asOf = parseDateOption('--as-of', opts.asOf);
  out.info(`${opts.preview ? 'Previewing' : 'Running'} the product sync...`);
  const summary = await withSync({ workspace: opts.workspace, asOf }, out, ({ deps, ws }) => {
    const req = { ws, target, actor: 'cli', trigger: 'cli' };
    return opts.preview ? previewProducts(deps, req) : startProductSync(deps, req);
  });
  finishRuns(out, [summary]);
}

/** `billsync sync customers`: one run per customer. */
export async function syncCustomers(opts: SyncOptions, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const target = parseTarget(opts.target);
  const asOf = parseDateOption('--as-of', opts.asOf);
  const summaries = await withSync({ workspace: opts.workspace, asOf }, out, async ({ deps, ws, pool }) => {
    const tenantIds: string[] = [];
    for (const ref of opts.customer ?? []) tenantIds.push((await resolveCustomerRef(pool, ws, ref)).tenantId);
    out.info(
      `${opts.preview ? 'Previewing' : 'Syncing'} ${tenantIds.length ? `${tenantIds.length} customer(s)` : 'every customer with sync on'}${asOf ? ` as of ${asOf}` : ''}...`,
    );
    const req = {
      ws,
      target,
      actor: 'cli',
      trigger: 'cli',
      tenantIds,
      onProgress: (done: number, total: number) => out.info(`  ${done}/${total} customer(s)`),
    };
    return opts.preview ? previewCustomers(deps, req) : startCustomerSync(deps, req);
  });
  finishRuns(out, summaries);
}

export interface AdoptOptions {
  offer: string;
  product: string;
  target: string;
  workspace?: string;
}

/** `billsync adopt`: links an existing PSA product to an offer. */
export async function adopt(opts: AdoptOptions, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const target = parseTarget(opts.target);
  const adopted = await withSync({ workspace: opts.workspace }, out, ({ deps, ws }) =>
    adoptProduct(deps, ws, target, { offer: opts.offer, productId: opts.product }, 'cli'),
  );
  out.result(adopted, `Linked ${adopted.productName} (${adopted.productId}) to offer ${adopted.offerKey}`);
}
