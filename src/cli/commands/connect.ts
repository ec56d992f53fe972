import type { Command } from 'commander';
import type {
  ConnectAutotaskOptions,
  ConnectConnectWiseOptions,
  ConnectPax8Options,
} from '../actions/connect';
import type { ConnectPartnerCenterOptions } from '../actions/source';
import { TARGET_OPTION, WORKSPACE_OPTION } from '../options';

/**
 * `billsync connect autotask|connectwise|pax8|partner-center`: saves the PSA (or source) credentials (encrypted), tests them
 * and says how it went.
 */
export function registerConnect(program: Command): void {
  const connect = program.command('connect').description('connect a PSA: save its credentials and test them');
  connect
    .command('autotask')
    .description('connect Autotask (API-only user); exit 1 when the test fails (the connection stays saved)')
    .requiredOption('--username <user>', 'the API user name (its zone is discovered from it)')
    .option('--secret <secret>', "the API user's secret (default: env AUTOTASK_SECRET)")
    .requiredOption('--integration-code <code>', 'the API tracking identifier (integration code)')
    .option('--zone-url <url>', 'the zone URL (https on *.autotask.net), to skip zone discovery')
    .option(...WORKSPACE_OPTION)
    .action(async (opts: ConnectAutotaskOptions, cmd: Command) =>
      (await import('../actions/connect')).connectAutotask(opts, cmd),
    );
  connect
    .command('connectwise')
    .description(
      'connect ConnectWise PSA (API member keys); exit 1 when the test fails (the connection stays saved)',
    )
    .requiredOption(
      '--site <url>',
      'the API site (https on *.myconnectwise.net, e.g. api-na.myconnectwise.net)',
    )
    .requiredOption('--company <id>', 'the login company id')
    .requiredOption('--public-key <key>', "the API member's public key")
    .option('--private-key <key>', "the API member's private key (default: env CONNECTWISE_PRIVATE_KEY)")
    .option(...WORKSPACE_OPTION)
    .action(async (opts: ConnectConnectWiseOptions, cmd: Command) =>
      (await import('../actions/connect')).connectConnectWise(opts, cmd),
    );
  connect
    .command('pax8')
    .description(
      "connect Pax8 as the workspace's source instead of Microsoft Partner Center (API client credentials); exit 1 when the test fails (the connection stays saved)",
    )
    .requiredOption('--client-id <id>', 'the Pax8 API client id (Pax8 portal: Integrations, API credentials)')
    .option(
      '--client-secret <secret>',
      'the client secret (default: env PAX8_CLIENT_SECRET; prefer the variable)',
    )
    .option('--api-url <url>', 'the Pax8 API (default https://api.pax8.com/v1; loopback for the sandbox)')
    .option(
      '--token-url <url>',
      'the token endpoint (default https://api.pax8.com/v1/token, or {api-url}/token)',
    )
    .option(...WORKSPACE_OPTION)
    .action(async (opts: ConnectPax8Options, cmd: Command) =>
      (await import('../actions/connect')).connectPax8(opts, cmd),
    );
  connect
    .command('partner-center')
    .description(
      "the workspace's Microsoft CSP source (the Connections page's card): the Partner Center app, or --mode files (import files, no credentials); in API mode the app's sign-in is tested, exit 1 when it fails (the source stays saved)",
    )
    .option('--mode <api|files>', 'api: read Partner Center; files: import downloaded files', 'api')
    .option('--tenant <id>', 'the partner tenant id (API mode)')
    .option('--client-id <id>', 'the app (client) id (API mode)')
    .option(
      '--client-secret <secret>',
      'the app secret (default: env PARTNER_CENTER_CLIENT_SECRET; prefer the variable: flags show in ps)',
    )
    .option('--authority-url <url>', 'Entra ID authority (default https://login.microsoftonline.com)')
    .option('--api-url <url>', 'Partner Center API (default https://api.partnercenter.microsoft.com)')
    .option(...WORKSPACE_OPTION)
    .action(async (opts: ConnectPartnerCenterOptions, cmd: Command) =>
      (await import('../actions/source')).connectPartnerCenter(opts, cmd),
    );
  connect
    .command('test')
    .description(
      'test the saved PSA connection again (as Test on the Connections page); exit 1 when it fails',
    )
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(async (opts: { target: string; workspace?: string }, cmd: Command) =>
      (await import('../actions/connect')).connectTest(opts, cmd),
    );
}
