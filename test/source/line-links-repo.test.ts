import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import type { Pool } from '../../src/db/pool';
import { lineLinksOfCustomers, listLinks, saveLink } from '../../src/db/repos/sync';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import { createMigratedDatabase } from '../support/db';

/** Issue 14: a batch reads the contract-line links of its own customers, the same as filtering all of them. */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let pool: Pool;
let ws: WorkspaceId;
let other: WorkspaceId;

beforeAll(async () => {
  db = await createMigratedDatabase('links');
  pool = db.pool;
  ws = (await insertWorkspace(pool, 'A')).id;
  other = (await insertWorkspace(pool, 'B')).id;
});

afterAll(() => db.close());

describe('lineLinksOfCustomers', () => {
  it('gives each customer its own links by offer key, nothing of other customers, PSAs, kinds or workspaces', async () => {
    const tenants = ['aaaa-1', 'aaaa-10', 'bbbb-2'];
    for (const [i, t] of tenants.entries()) {
      await saveLink(pool, ws, 'autotask', 'contract-line', `${t}|CFQ7TTC0LH18:0001|P1M`, `L${i}a`);
      await saveLink(pool, ws, 'autotask', 'contract-line', `${t}|DZH318Z0BPS6:0001|Azure`, `L${i}b`);
    }
    await saveLink(pool, ws, 'connectwise', 'contract-line', 'aaaa-1|CFQ7TTC0LH18:0001|P1M', 'CW');
    await saveLink(pool, ws, 'autotask', 'product', 'aaaa-1|looks-like-a-line', 'P');
    await saveLink(pool, other, 'autotask', 'contract-line', 'aaaa-1|CFQ7TTC0LH18:0001|P1M', 'OTHER');

    const got = await lineLinksOfCustomers(pool, ws, 'autotask', ['aaaa-1', 'bbbb-2', 'cccc-3']);
    expect([...got.keys()].sort()).toEqual(['aaaa-1', 'bbbb-2']);
    expect(Object.fromEntries(got.get('aaaa-1')!)).toEqual({
      'CFQ7TTC0LH18:0001|P1M': 'L0a',
      'DZH318Z0BPS6:0001|Azure': 'L0b',
    });
    // The same as reading every link and keeping those of the prefix (what the planner did before).
    const all = await listLinks(pool, ws, 'autotask', 'contract-line');
    for (const t of ['aaaa-1', 'bbbb-2']) {
      const byPrefix = [...all]
        .filter(([k]) => k.startsWith(`${t}|`))
        .map(([k, v]) => [k.slice(t.length + 1), v]);
      expect([...got.get(t)!].sort()).toEqual(byPrefix.sort());
    }
    expect((await lineLinksOfCustomers(pool, ws, 'autotask', [])).size).toBe(0);
  });
});
