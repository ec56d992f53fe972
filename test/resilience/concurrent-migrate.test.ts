import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate';
import { createTestDatabase, type TestDatabase } from '../support/db';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('migrate');
});
afterAll(async () => {
  await db.drop();
});

describe('processes starting together on one database', () => {
  it('all migrate it (they take turns; none fails with "Another migration is already running")', async () => {
    // A server and its workers after a deploy: every process migrates on start, at the same moment.
    const reports = await Promise.all(Array.from({ length: 6 }, () => migrate(db.url)));
    const applied = reports.flatMap((r) => r.applied);
    expect(applied.length).toBeGreaterThan(0);
    expect(new Set(applied).size).toBe(applied.length); // each migration applied once, by one of them
  });
});
