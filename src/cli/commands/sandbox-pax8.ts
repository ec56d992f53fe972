import type { Command } from 'commander';
import type { SandboxPax8Options } from '../actions/sandbox-pax8';

/**
 * `billsync sandbox pax8`: runs the Pax8 Partner API emulator (emulators/pax8) until SIGINT/SIGTERM.
 * The only place in src/ that may import emulators/ is src/cli.
 */
export function registerSandboxPax8(sandbox: Command): void {
  sandbox
    .command('pax8')
    .description('run a local Pax8 Partner API emulator (demo partner account, admin API under /_emulator)')
    .option('--port <n>', 'port to listen on', '8085')
    .option(
      '--seed <demo|file>',
      "'demo' or the path of a JSON seed file (format: emulators/pax8/README.md)",
      'demo',
    )
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--now <iso>', 'start the emulator clock at this instant (it then ticks); default: the real time')
    .action(async (opts: SandboxPax8Options, cmd: Command) =>
      (await import('../actions/sandbox-pax8')).sandboxPax8(opts, cmd),
    );
}
