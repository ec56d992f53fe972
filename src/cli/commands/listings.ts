import type { Command } from 'commander';
import { TARGET_OPTION, WORKSPACE_OPTION } from '../options';

/** `billsync connections` and `billsync imports`: what the Connections and Sources pages list. */
export function registerListings(program: Command): void {
  program
    .command('connections')
    .description(
      'the PSA and source connections with their state (as the Connections page); secrets never shown',
    )
    .option(...WORKSPACE_OPTION)
    .action(async (opts: { workspace?: string }, cmd: Command) =>
      (await import('../actions/listings')).connectionList(opts, cmd),
    );
  program
    .command('imports')
    .description(
      'the import history, newest first: every file imported from the browser or the CLI, with its outcome',
    )
    .option('--limit <n>', 'at most this many (1-200)', '50')
    .option('--offset <n>', 'skip this many', '0')
    .option(...WORKSPACE_OPTION)
    .action(async (opts: { workspace?: string; limit: string; offset: string }, cmd: Command) =>
      (await import('../actions/listings')).importList(opts, cmd),
    );
  program
    .command('companies')
    .description("the PSA's customer companies, searched by name (the mapping dialog's company search)")
    .option('--search <text>', 'part of the name (case, punctuation and legal form ignored)')
    .option('--limit <n>', 'at most this many (1-1000)', '100')
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(
      async (opts: { target: string; search?: string; limit: string; workspace?: string }, cmd: Command) =>
        (await import('../actions/listings')).companyList(opts, cmd),
    );
  program
    .command('contracts')
    .description(
      "a company's contracts that can be mapped, and how many are hidden and why (ended, inactive)",
    )
    .argument('<company-id>', 'the PSA company id (see `billsync companies`)')
    .option(
      '--annual',
      'the contracts annual subscriptions are booked on (Fixed Price / one-time agreements)',
    )
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(
      async (
        companyId: string,
        opts: { target: string; annual?: boolean; workspace?: string },
        cmd: Command,
      ) => (await import('../actions/listings')).contractList(companyId, opts, cmd),
    );
  program
    .command('invoices')
    .description('the imported invoices that bill a customer, oldest first, and whether each was synced')
    .argument('<customer>', 'tenant id, name or domain')
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(async (customer: string, opts: { target: string; workspace?: string }, cmd: Command) =>
      (await import('../actions/listings')).customerInvoiceList(customer, opts, cmd),
    );
  program
    .command('contract-check')
    .description(
      "whether a PSA contract already bills one of the customer's invoiced offers (then map it with --shadow on)",
    )
    .argument('<customer>', 'tenant id, name or domain')
    .requiredOption('--contract <id>', 'the PSA contract (agreement) id')
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(
      async (
        customer: string,
        opts: { contract: string; target: string; workspace?: string },
        cmd: Command,
      ) => (await import('../actions/listings')).contractCheck(customer, opts, cmd),
    );
  program
    .command('suggestions')
    .description(
      "unmapped customers with a suggested PSA company; --confirm maps the chosen ones to their company's only mappable contract",
    )
    .option('--confirm <all|customers>', 'all, or customers (tenant id, name or domain), comma-separated')
    .option('--sync <on|off>', 'with --confirm: switch their sync on at once', 'off')
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(
      async (opts: { confirm?: string; sync: string; target: string; workspace?: string }, cmd: Command) =>
        (await import('../actions/listings')).suggestions(opts, cmd),
    );
  program
    .command('overview')
    .description(
      "the dashboard's cards: customers mapped and with sync on, the last successful sync, the latest runs, the products' sync and what the source holds",
    )
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(async (opts: { target: string; workspace?: string }, cmd: Command) =>
      (await import('../actions/listings')).overview(opts, cmd),
    );
}
