import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WEB_DIST } from '../../src/server/app';
import { createTestApp, type TestApp } from './app';

export interface LiveServer extends TestApp {
  baseUrl: string;
}

/** The full app listening on a free port of 127.0.0.1, for browser and HTTP-client tests. */
export async function startLiveServer(
  options: Parameters<typeof createTestApp>[0] = {},
): Promise<LiveServer> {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    throw new Error(
      'web/dist is missing: run `npm run build:web` (npm install does it) before the browser tests',
    );
  }
  const t = await createTestApp({ ...options, env: { BILLSYNC_INSECURE_COOKIES: '0', ...options.env } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (t.app.server.address() as AddressInfo).port;
  return { ...t, baseUrl: `http://localhost:${port}` };
}
