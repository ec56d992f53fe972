import type { Command } from 'commander';
import { loadConfig } from '../../runtime/config';
import { startServer } from '../../server/serve';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'start the web app and API (what `npm start` runs); embedded Postgres unless DATABASE_URL is set',
    )
    .option('-p, --port <port>', 'port to listen on (default: PORT or 3000)')
    .action(async (opts: { port?: string }) => {
      const config = loadConfig(opts.port ? { ...process.env, PORT: opts.port } : process.env);
      await startServer(config);
      // keeps running until SIGINT/SIGTERM
      await new Promise(() => {});
    });
}
