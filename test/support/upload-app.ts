import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../../src/db/migrate';
import { createPool } from '../../src/db/pool';
import { loadConfig } from '../../src/runtime/config';
import { SecretBox } from '../../src/runtime/secret-box';
import { systemClock } from '../../src/runtime/system-clock';
import { buildApp } from '../../src/server/app';
import { loadUploadSettings, type UploadSettings } from '../../src/server/uploads/upload-settings';
import type { TestApp } from './app';
import { createTestDatabase } from './db';

export interface UploadTestApp extends TestApp {
  /** BILLSYNC_DATA_DIR of the app: uploads are staged under `<dataDir>/uploads`. */
  dataDir: string;
  /** Listens on a free port of 127.0.0.1 (for streaming a request body); the base URL. */
  listen(): Promise<string>;
}

/**
 * The full app (all routes, as createTestApp builds it) with its upload settings given: a small size cap, or a
 * hook that sees each file staged on disk before its import.
 */
export async function createUploadTestApp(uploads: Partial<UploadSettings> = {}): Promise<UploadTestApp> {
  const db = await createTestDatabase('upload');
  await migrate(db.url);
  const pool = createPool(db.url, 5);
  const box = new SecretBox(Buffer.alloc(32, 7));
  const dataDir = mkdtempSync(join(tmpdir(), 'billsync-upload-'));
  const config = loadConfig({ BILLSYNC_DATA_DIR: dataDir });
  const settings: UploadSettings = { ...loadUploadSettings({}), ...uploads };
  const app = await buildApp({ config, pool, box, clock: systemClock, uploads: settings }, { logger: false });
  return {
    app,
    pool,
    db,
    box,
    dataDir,
    async listen() {
      await app.listen({ port: 0, host: '127.0.0.1' });
      return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    },
    async close() {
      await app.close();
      await pool.end();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
