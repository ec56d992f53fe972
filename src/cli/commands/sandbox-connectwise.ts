import type { Command } from 'commander';
import type { SandboxConnectWiseOptions } from '../actions/sandbox-connectwise';

/**
 * `billsync sandbox connectwise`: runs the ConnectWise PSA emulator (emulators/connectwise) until SIGINT/SIGTERM.
 * The only place in src/ that may import emulators/ is src/cli.
 */
export function registerSandboxConnectWise(sandbox: Command): void {
  sandbox
    .command('connectwise')
    .description(
      'run a local ConnectWise PSA (Manage) REST API emulator (demo data, admin API under /_emulator)',
    )
    .option('--port <n>', 'port to listen on', '8083')
    .option(
      '--seed <demo|file>',
      "'demo' or the path of a JSON seed file (format: emulators/connectwise/README.md)",
      'demo',
    )
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--now <iso>', 'start the emulator clock at this instant (it then ticks); default: the real time')
    .option('--tls', 'serve HTTPS with a throwaway self-signed certificate (written to a temporary file)')
    .action(async (opts: SandboxConnectWiseOptions, cmd: Command) =>
      (await import('../actions/sandbox-connectwise')).sandboxConnectWise(opts, cmd),
    );
}
