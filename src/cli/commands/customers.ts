import type { Command } from 'commander';
import { PRICING_STRATEGIES } from '../../core/planner/types';
import { CUSTOMER_SORTS } from '../../db/repos/customer-list';
import type { CustomersOptions, MapOptions } from '../actions/customers';
import { TARGET_OPTION, WORKSPACE_OPTION } from '../options';

/** `billsync customers`, `map` and `unmap`: the customers table and their mappings to PSA companies. */
export function registerCustomers(program: Command): void {
  program
    .command('customers')
    .description('customers with their PSA mapping and last run (suggestions for unmapped ones)')
    .option(...TARGET_OPTION)
    .option('--search <text>', 'part of the name, domain, tenant id or PSA company')
    .option('--sort <column>', `sort by ${CUSTOMER_SORTS.join(', ')}`, 'customer')
    .option('--order <asc|desc>', 'sort order', 'asc')
    .option('--mapped <yes|no>', 'only mapped (yes) or unmapped (no) customers')
    .option('--limit <n>', 'at most this many (default all)')
    .option('--offset <n>', 'skip this many')
    .option('--no-suggest', 'do not ask the PSA for suggestions')
    .option(...WORKSPACE_OPTION)
    .action(async (opts: CustomersOptions, cmd: Command) =>
      (await import('../actions/customers')).customers(opts, cmd),
    );

  program
    .command('map')
    .description('map a customer to a PSA company and contract')
    .argument('<customer>', 'tenant id, or a name or domain that matches one customer')
    .requiredOption('--company <id>', 'PSA company id')
    .requiredOption('--contract <id>', 'PSA contract id (Recurring Service, not ended)')
    .option('--strategy <strategy>', `pricing: ${PRICING_STRATEGIES.join(', ')} (default cost-and-retail)`)
    .option('--start <YYYY-MM-DD>', 'sync start date (default: first day of this month, UTC)')
    .requiredOption('--sync <on|off>', 'sync this customer (on also resumes a paused customer)')
    .option(
      '--shadow <on|off>',
      'shadow first sync: the first sync is compared with what the PSA bills and written only once applied (`billsync run approve`)',
    )
    .option(
      '--annual-contract <id|none>',
      'the contract annual-billed subscriptions are booked on (Autotask: a Fixed Price contract); none clears it',
    )
    .option(
      '--billing <arrears|advance>',
      'bill the seats after the invoice (arrears, default) or the coming month from the current seats, trued up by the next invoice (advance)',
    )
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(async (customer: string, opts: MapOptions, cmd: Command) =>
      (await import('../actions/customers')).mapCustomer(customer, opts, cmd),
    );

  program
    .command('unmap')
    .description('clear a mapping: sync off, history kept, nothing changed in the PSA')
    .argument('<customer>', 'tenant id, or a name or domain that matches one customer')
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(async (customer: string, opts: { target: string; workspace?: string }, cmd: Command) =>
      (await import('../actions/customers')).unmapCustomer(customer, opts, cmd),
    );
}
