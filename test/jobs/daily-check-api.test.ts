import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClock } from '../../emulators/kit';
import {
  createPartnerCenterEmulator,
  DEMO_CREDENTIALS,
  type PartnerCenterEmulator,
} from '../../emulators/partner-center';
import type { WorkspaceId } from '../../src/core/ids';
import { fixedClock } from '../../src/core/time/clock';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { saveProgram } from '../../src/db/repos/sync';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import { DEFAULT_PROGRAM } from '../../src/engine/program';
import { handleDailyCheck } from '../../src/jobs/handlers/daily-check';
import { type JobQueue, startJobQueue } from '../../src/jobs/queue';
import { createSourceRefresher } from '../../src/jobs/source-refresh';
import { createEngineDeps } from '../../src/runtime/engine';
import { SecretBox } from '../../src/runtime/secret-box';
import { saveConnection } from '../../src/services/connections';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { jobsOf, TEST_TIMING, testJobDeps } from '../support/jobs';

const FIXTURES = join(import.meta.dirname, '..', '..', 'emulators', 'partner-center', 'fixtures');
let db: TestDatabase;
let pool: Pool;
let queue: JobQueue;
let pc: PartnerCenterEmulator;
let base: string;
const box = new SecretBox(Buffer.alloc(32, 3));

beforeAll(async () => {
  db = await createTestDatabase('pcapi');
  await migrate(db.url);
  pool = createPool(db.url, 6);
  queue = await startJobQueue({ pool }, TEST_TIMING, { worker: false });
  // The emulator shows each invoice from its issue date on: July's on 7 Aug, August's on 6 Sep.
  pc = createPartnerCenterEmulator({
    seedDir: FIXTURES,
    clock: createClock({ start: '2025-08-10T05:00:00Z' }),
  });
  base = await pc.listen();
});
afterAll(async () => {
  await pc.close();
  await queue.stop();
  await pool.end();
  await db.drop();
});

describe('daily check with the Partner Center API as the source', () => {
  it('pulls the new invoice and the price list, then queues the product sync with the customers after it', async () => {
    const ws = (await insertWorkspace(pool, 'API MSP')).id as WorkspaceId;
    await saveProgram(pool, ws, 'autotask', { ...DEFAULT_PROGRAM, syncEnabled: true, billingCodeId: '1' });
    await saveConnection(pool, box, {
      workspaceId: ws,
      kind: 'partner-center',
      settings: {
        mode: 'api',
        tenantId: DEMO_CREDENTIALS.tenantId,
        clientId: DEMO_CREDENTIALS.clientId,
        authority: base,
        apiUrl: base,
      },
      secrets: { clientSecret: DEMO_CREDENTIALS.clientSecret },
      actor: 'test',
    });
    const check = async (day: string) => {
      const clock = fixedClock(day);
      const deps = {
        ...testJobDeps({
          pool,
          engine: createEngineDeps({ pool, clock, openTarget: undefined }),
          queue,
          clock,
        }),
        refreshSource: createSourceRefresher({ pool, box, clock }),
      };
      return handleDailyCheck(deps, { workspaceId: ws, localDate: day });
    };

    const first = await check('2025-08-10');
    expect(first.source).toMatchObject({ mode: 'api', invoicesPulled: 1, pricesChanged: true, errors: [] });
    expect(first.newInvoices).toEqual(['G000000123']);
    expect(first.queued).toEqual([{ target: 'autotask', jobId: expect.any(String), thenCustomers: true }]);

    // Same day again: nothing new at Microsoft, nothing queued.
    expect(await check('2025-08-10')).toMatchObject({
      source: { invoicesPulled: 0, pricesChanged: false },
      queued: [],
    });

    // A month later the August invoice is out; the chained product sync still waits, so it is not queued twice.
    pc.clock.set('2025-09-10T05:00:00Z');
    const later = await check('2025-09-10');
    expect(later.newInvoices).toEqual(['G000000124']);
    expect(later.queued).toEqual([{ target: 'autotask', jobId: null, thenCustomers: true }]);
    expect(await jobsOf(pool, 'sync-products', ws)).toHaveLength(1);
  });
});
