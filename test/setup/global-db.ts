import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureEmbeddedPostgres } from '../../src/db/embedded-postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A Postgres URL with the right to CREATE DATABASE; each test file makes its own database from it. */
    adminDbUrl: string;
  }
}

/**
 * Tests run on TEST_DATABASE_URL when it is set (CI: the machine's PostgreSQL), otherwise on an embedded
 * PostgreSQL started once for the whole run in a temporary data dir.
 */
export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    project.provide('adminDbUrl', external);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'billsync-test-pg-'));
  const pg = await ensureEmbeddedPostgres(dir, { database: 'test' });
  project.provide('adminDbUrl', pg.adminUrl);
  return async () => {
    await pg.release({ force: true });
    rmSync(dir, { recursive: true, force: true });
  };
}
