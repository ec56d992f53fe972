import type { Command } from 'commander';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'start the web app and API (what `npm start` runs); embedded Postgres unless DATABASE_URL is set',
    )
    .option('-p, --port <port>', 'port to listen on (default: PORT or 3000)')
    // Each command loads its implementation when it runs: `--help` and `--version` stay light (decision 0011).
    .action(async (opts: { port?: string }) => (await import('../actions/serve')).serve(opts));
}
