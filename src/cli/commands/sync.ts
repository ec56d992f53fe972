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
import { AS_OF_OPTION, parseDateOption, parseTarget, TARGET_OPTION, withSync } from '../sync-context';
import { WORKSPACE_OPTION } from '../workspace-option';

interface SyncOptions {
  target: string;
  preview?: boolean;
  asOf?: string;
  customer?: string[];
  workspace?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `billsync sync products|customers` and `billsync adopt`. Exit 0 ok / no change, 2 warnings, 1 errors. */
export function registerSync(program: Command): void {
  const sync = program.command('sync').description('sync products or customers to the PSA (or preview it)');

  sync
    .command('products')
    .description('create and update the PSA products of the offers in scope')
    .option('--preview', 'plan only: show what would change, write nothing')
    .option(...AS_OF_OPTION)
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(async (opts: SyncOptions, cmd: Command) => {
      const out = output(Boolean(cmd.optsWithGlobals().json));
      const target = parseTarget(opts.target);
      const asOf = parseDateOption('--as-of', opts.asOf);
      out.info(`${opts.preview ? 'Previewing' : 'Running'} the product sync...`);
      const summary = await withSync({ workspace: opts.workspace, asOf }, out, ({ deps, ws }) => {
        const req = { ws, target, actor: 'cli', trigger: 'cli' };
        return opts.preview ? previewProducts(deps, req) : startProductSync(deps, req);
      });
      finishRuns(out, [summary]);
    });

  sync
    .command('customers')
    .description('bring mapped customers with sync on up to date with their invoices (one run per customer)')
    .option('--customer <customer>', 'only this customer (tenant id, name or domain); repeatable', collect)
    .option('--preview', 'plan only: show the PSA changes and money deltas, write nothing')
    .option(...AS_OF_OPTION)
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(async (opts: SyncOptions, cmd: Command) => {
      const out = output(Boolean(cmd.optsWithGlobals().json));
      const target = parseTarget(opts.target);
      const asOf = parseDateOption('--as-of', opts.asOf);
      const summaries = await withSync(
        { workspace: opts.workspace, asOf },
        out,
        async ({ deps, ws, pool }) => {
          const tenantIds: string[] = [];
          for (const ref of opts.customer ?? [])
            tenantIds.push((await resolveCustomerRef(pool, ws, ref)).tenantId);
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
        },
      );
      finishRuns(out, summaries);
    });

  program
    .command('adopt')
    .description(
      'link an existing PSA product to an offer (after a name collision); billsync then keeps it updated',
    )
    .requiredOption(
      '--offer <offer>',
      'offer key from the product preview, or its SKU code / product name when unique',
    )
    .requiredOption('--product <id>', 'the PSA product (Autotask Service) id')
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(
      async (opts: { offer: string; product: string; target: string; workspace?: string }, cmd: Command) => {
        const out = output(Boolean(cmd.optsWithGlobals().json));
        const target = parseTarget(opts.target);
        const adopted = await withSync({ workspace: opts.workspace }, out, ({ deps, ws }) =>
          adoptProduct(deps, ws, target, { offer: opts.offer, productId: opts.product }, 'cli'),
        );
        out.result(
          adopted,
          `Linked ${adopted.productName} (${adopted.productId}) to offer ${adopted.offerKey}`,
        );
      },
    );
}
