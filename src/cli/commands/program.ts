import type { Command } from 'commander';
import { TARGET_OPTION, WORKSPACE_OPTION } from '../options';
import type { CatalogFlags } from '../program-catalog';
import type { ProgramSetOptions } from '../program-text';

export { catalogText, programSetPatchOf } from '../program-catalog';
export { programPatchOf, programText } from '../program-text';

/** `billsync program set|show|options`: the Microsoft CSP program settings of a PSA. */
export function registerProgram(program: Command): void {
  const cmd = program.command('program').description('the Microsoft CSP program settings of a PSA');
  cmd
    .command('set')
    .description('change program settings; options left out keep their value')
    .option(...TARGET_OPTION)
    .option('--sync <on|off>', 'sync this program to the PSA')
    .option('--mode <all|in-use>', 'product sync mode: every price-list offer, or only invoiced ones')
    .option('--monthly <on|off>', 'seat-based monthly billing')
    .option('--annual <on|off>', 'seat-based annual billing')
    .option('--azure <on|off>', 'Azure plan')
    .option('--billing-code <id>', 'billing code of new products (a Recurring Contract Service code)')
    .option('--vendor <id|none>', 'vendor company of new products')
    .option(
      '--charge-code <id|none>',
      "code of the one-time charges/credits for days that can no longer change (Autotask: a Material Cost Code); none = the PSA's default",
    )
    .option('--emails <a@b,c@d|none>', 'who gets sync errors and price-change warnings')
    .option('--prefix <text>', 'product name prefix (default PC_)')
    .option('--azure-markup <percent>', 'markup on Azure cost for the retail price, e.g. 10')
    .option(
      '--approval-threshold <percent|off>',
      'hold customer syncs for approval above this monthly change',
    )
    .option('--recon-email <on|off>', "e-mail each month's reconciliation to the --emails addresses")
    .option('--category <id|none>', 'ConnectWise: catalog category of new catalog items')
    .option('--subcategory <id|none>', 'ConnectWise: subcategory of new catalog items; none = Miscellaneous')
    .option(
      '--product-type <id|none>',
      'ConnectWise: product type of new catalog items; none = Miscellaneous',
    )
    .option('--taxable <on|off>', 'ConnectWise: set new catalog items taxable')
    .option(...WORKSPACE_OPTION)
    .action(async (opts: ProgramSetOptions & CatalogFlags, c: Command) =>
      (await import('../actions/program')).programSet(opts, c),
    );

  cmd
    .command('show')
    .description('show the program settings')
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(async (opts: { target: string; workspace?: string }, c: Command) =>
      (await import('../actions/program')).programShow(opts, c),
    );

  cmd
    .command('options')
    .description(
      "list the PSA's billing codes, charge codes and vendor companies (ConnectWise: also catalog categories, subcategories and product types)",
    )
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(async (opts: { target: string; workspace?: string }, c: Command) =>
      (await import('../actions/program')).programOptions(opts, c),
    );
}
