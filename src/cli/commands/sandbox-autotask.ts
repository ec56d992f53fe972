import type { Command } from 'commander';
import type { SandboxAutotaskOptions } from '../actions/sandbox-autotask';

/**
 * `billsync sandbox autotask`: runs the Autotask emulator (emulators/autotask) until SIGINT/SIGTERM.
 * The only place in src/ that may import emulators/ is src/cli.
 */
export function registerSandboxAutotask(sandbox: Command): void {
  sandbox
    .command('autotask')
    .description('run a local Autotask REST API emulator (demo data, admin API under /_emulator)')
    .option('--port <n>', 'port to listen on', '8081')
    .option(
      '--seed <demo|file>',
      "'demo' or the path of a JSON seed file (format: emulators/autotask/README.md)",
      'demo',
    )
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--now <iso>', 'start the emulator clock at this instant (it then ticks); default: the real time')
    .action(async (opts: SandboxAutotaskOptions, cmd: Command) =>
      (await import('../actions/sandbox-autotask')).sandboxAutotask(opts, cmd),
    );
}
