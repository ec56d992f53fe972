import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on the test server; drop() removes it. One per test file keeps files independent. */
export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const adminUrl = inject('adminDbUrl');
  const name = `billsync_${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** A fresh database with billsync's schema and a pool on it; `close()` ends the pool and drops the database. */
export async function createMigratedDatabase(
  prefix: string,
  poolSize = 4,
): Promise<TestDatabase & { pool: Pool; close(): Promise<void> }> {
  const db = await createTestDatabase(prefix);
  await migrate(db.url);
  const pool = createPool(db.url, poolSize);
  return {
    ...db,
    pool,
    async close() {
      await pool.end();
      await db.drop();
    },
  };
}
