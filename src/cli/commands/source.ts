import type { Command } from 'commander';
import type { PullOptions } from '../actions/source';
import { WORKSPACE_OPTION } from '../options';

/** `billsync source status`: what the Microsoft CSP card shows (consent and its expiry, last and next pull). */
function registerStatus(source: Command): void {
  source
    .command('status')
    .description("the workspace's Partner Center source: App+User consent and its expiry, last and next pull")
    .option(...WORKSPACE_OPTION)
    .action(async (opts: { workspace?: string }, cmd: Command) =>
      (await import('../actions/source')).showSourceStatus(opts, cmd),
    );
}

/** `billsync source ...`: reading Microsoft CSP data from Partner Center or Pax8 (the APIs or their emulators). */
export function registerSource(program: Command): void {
  const source = program.command('source').description('Microsoft CSP source data (Partner Center or Pax8)');
  registerStatus(source);
  source
    .command('pull')
    .description(
      "read customers, invoices and their line items (and, with the workspace's stored source, the price sheet) from the Partner Center API or Pax8 (or their emulators) and store them",
    )
    .option(
      '--source <source>',
      "partner-center or pax8 (default: the workspace's connected source; Partner Center flags mean partner-center)",
    )
    .option('--since <YYYY-MM>', 'only invoices of this billing period and later')
    .option(...WORKSPACE_OPTION)
    .option(
      '--authority-url <url>',
      'Entra ID authority (env PARTNER_CENTER_AUTHORITY_URL; default https://login.microsoftonline.com)',
    )
    .option(
      '--api-url <url>',
      'Partner Center API (env PARTNER_CENTER_API_URL; default https://api.partnercenter.microsoft.com)',
    )
    .option(
      '--partner-api-url <url>',
      "price-sheet API (env PARTNER_CENTER_PARTNER_API_URL; default: --api-url when it is not Microsoft's)",
    )
    .option('--tenant <id>', 'partner tenant id (env PARTNER_CENTER_TENANT_ID)')
    .option('--client-id <id>', 'app (client) id (env PARTNER_CENTER_CLIENT_ID)')
    .option(
      '--client-secret <secret>',
      'app secret (env PARTNER_CENTER_CLIENT_SECRET; prefer the variable: flags show in ps)',
    )
    .option(
      '--token-endpoint <v1|v2>',
      'token endpoint version (env PARTNER_CENTER_TOKEN_ENDPOINT; default v2)',
    )
    .action(async (opts: PullOptions, cmd: Command) =>
      (await import('../actions/source')).pullSource(opts, cmd),
    );
}
