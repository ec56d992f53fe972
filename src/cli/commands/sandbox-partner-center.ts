import type { Command } from 'commander';
import type { SandboxPartnerCenterOptions } from '../actions/sandbox-partner-center';

/**
 * `billsync sandbox partner-center`: runs the Partner Center emulator (emulators/partner-center) seeded from a
 * demo-data directory (`billsync demo-data --out DIR`) until SIGINT/SIGTERM, and prints how to connect.
 */
export function registerSandboxPartnerCenter(sandbox: Command): void {
  sandbox
    .command('partner-center')
    .description(
      'run a local Microsoft Partner Center API emulator (token endpoint, customers, invoices, line items, price sheet)',
    )
    .option('--port <n>', 'port to listen on', '8082')
    .option('--seed <dir>', 'demo-data directory to serve (written by `billsync demo-data --out DIR`)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option(
      '--now <iso>',
      'start the emulator clock at this instant (it then ticks); invoices appear on their issue date',
    )
    .action(async (opts: SandboxPartnerCenterOptions, cmd: Command) =>
      (await import('../actions/sandbox-partner-center')).sandboxPartnerCenter(opts, cmd),
    );
}
