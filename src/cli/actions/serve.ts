import { loadConfig } from '../../runtime/config';
import { startServer } from '../../server/serve';

export async function serve(opts: { port?: string }): Promise<void> {
  const config = loadConfig(opts.port ? { ...process.env, PORT: opts.port } : process.env);
  await startServer(config);
  // keeps running until SIGINT/SIGTERM
  await new Promise(() => {});
}
