import type { Command } from 'commander';
import type { DemoOptions } from '../actions/demo';

export { DEMO_LOGIN } from '../demo/demo-login';

/**
 * `billsync demo` (`npm run demo`): a complete product to click through with no vendor account. Starts the
 * Autotask (or, with `--psa connectwise`, the ConnectWise) and Partner Center emulators with demo data, a fresh workspace in `./data/demo` (wiped at every
 * start: it is demo data), runs the first syncs, and serves the app.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'start billsync on demo data: Autotask (or --psa connectwise) and Partner Center emulators, first syncs done, web app on --port',
    )
    .option('-p, --port <port>', 'web app port', '3000')
    .option('--psa <autotask|connectwise>', 'the PSA the demo syncs to (its emulator is started)', 'autotask')
    .option('--autotask-port <port>', 'Autotask emulator port', '8081')
    .option('--connectwise-port <port>', 'ConnectWise emulator port (with --psa connectwise)', '8083')
    .option('--partner-center-port <port>', 'Partner Center emulator port', '8082')
    .option('--data-dir <dir>', 'where the demo database lives (wiped at start)', './data/demo')
    .action(async (opts: DemoOptions) => (await import('../actions/demo')).demo(opts));
}
