import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensureEmbeddedPostgres } from '../src/db/embedded-postgres';

export interface BenchDatabase {
  url: string;
  /** `external`: a fresh database on TEST_DATABASE_URL / DATABASE_URL; `embedded`: a private embedded Postgres. */
  kind: 'external' | 'embedded';
  /** Drops the database (and stops the embedded Postgres). */
  close(): Promise<void>;
}

/** A fresh database to bench in: on TEST_DATABASE_URL / DATABASE_URL when set, else an embedded Postgres in a temp dir. */
export async function benchDatabase(prefix = 'billsync_bench'): Promise<BenchDatabase> {
  const external = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  let adminUrl = external;
  let release: (() => Promise<void>) | undefined;
  if (!adminUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'billsync-bench-'));
    const embedded = await ensureEmbeddedPostgres(dir, { database: 'bench' });
    adminUrl = embedded.adminUrl;
    release = async () => {
      await embedded.release({ force: true });
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const admin = adminUrl;
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    kind: external ? 'external' : 'embedded',
    async close() {
      await run(`drop database if exists ${name} with (force)`);
      await release?.();
    },
  };
}
