import type { Command } from 'commander';
import type { RuleFlags } from '../actions/rules';
import { AS_OF_OPTION, WORKSPACE_OPTION } from '../options';

/** Flags that describe a rule: `rules add` and `rules effect --add`. */
function ruleFlags(cmd: Command): Command {
  return cmd
    .option('--customer <customer>', 'only this customer (tenant id, name or domain); default every customer')
    .option('--sku <code>', 'only this SKU code, e.g. CFQ7TTC0LCHC:0002')
    .option('--product <id>', 'only this product id, e.g. CFQ7TTC0LCHC')
    .option('--family <title>', 'only offers whose product title starts with this, e.g. "Microsoft 365"')
    .option('--segment <segment>', 'only this segment: Commercial, Education, Charity or Government')
    .option(
      '--basis <cost|retail>',
      "what the rule starts from: the price list's cost or its list retail",
      'cost',
    )
    .option('--markup <percent>', 'retail = basis x (1 + percent/100)')
    .option('--margin <percent>', 'retail = basis / (1 - percent/100): the margin is that share of the price')
    .option('--add <amount>', 'retail = basis + amount (negative to subtract)')
    .option('--price <amount>', 'retail = this fixed price')
    .option('--rounding <cent|x9|99>', 'round to the cent, or up to the next .x9 / .99 price point', 'cent')
    .option('--from <YYYY-MM-DD>', 'first day (default: the first day of next month)')
    .option('--to <YYYY-MM-DD>', 'last day, inclusive (default: open-ended)')
    .option('--position <n>', 'the order between equally specific rules (lower first)', '0')
    .option('--note <text>', 'why (shown in the list and the audit trail)');
}

/** `billsync rules list|add|remove|preview|effect`: price rules (issue 16, decision 0013). */
export function registerRules(program: Command): void {
  const cmd = program
    .command('rules')
    .description('price rules: how retail prices are set from cost or list retail');
  cmd
    .command('list')
    .description('the price rules in their order')
    .option(...WORKSPACE_OPTION)
    .action(async (opts: { workspace?: string }, c: Command) =>
      (await import('../actions/rules')).rulesList(opts, c),
    );
  cmd
    .command('skus')
    .description("the price list's SKUs by title or SKU (the rule form's SKU picker), for --sku")
    .option('--search <text>', 'part of the title or the SKU')
    .option('--limit <n>', 'at most this many (1-50)', '20')
    .option(...WORKSPACE_OPTION)
    .action(async (opts: { search?: string; limit: string; workspace?: string }, c: Command) =>
      (await import('../actions/rules')).rulesSkus(opts, c),
    );

  ruleFlags(
    cmd.command('add').description('add a rule (audited); prices change from a contract period start'),
  )
    .option(...AS_OF_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(async (opts: RuleFlags, c: Command) => (await import('../actions/rules')).rulesAdd(opts, c));

  cmd
    .command('remove')
    .description(
      'remove a rule (audited): one that priced periods already ends with the current month, one not started is deleted',
    )
    .argument('<rule-id>')
    .option(...AS_OF_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(async (id: string, opts: { workspace?: string; asOf?: string }, c: Command) =>
      (await import('../actions/rules')).rulesRemove(id, opts, c),
    );

  cmd
    .command('preview')
    .description('the price of a SKU: cost, list retail, the rule that applies, the result')
    .requiredOption('--sku <code>', 'the SKU code, e.g. CFQ7TTC0LCHC:0002')
    .option('--customer <customer>', 'for this customer (default: every customer)')
    .option('--date <YYYY-MM-DD>', 'on this day (default: the first day of next month)')
    .option(...AS_OF_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(
      async (
        opts: { sku: string; customer?: string; date?: string; asOf?: string; workspace?: string },
        c: Command,
      ) => (await import('../actions/rules')).rulesPreview(opts, c),
    );

  ruleFlags(
    cmd
      .command('effect')
      .description("the next month's money effect of adding a rule (flags as for add) and/or removing one"),
  )
    .option('--remove <rule-id>', 'the rule to remove')
    .option(...AS_OF_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(async (opts: RuleFlags & { remove?: string }, c: Command) =>
      (await import('../actions/rules')).rulesEffect(opts, c),
    );
}
