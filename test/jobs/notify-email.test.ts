import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { listNotifications, listOutbox } from '../../src/db/repos/notifications';
import { getProgram, saveProgram } from '../../src/db/repos/sync';
import { syncProducts } from '../../src/engine/sync';
import { enqueueCustomerSync } from '../../src/jobs/enqueue';
import { type JobQueue, startJobQueue } from '../../src/jobs/queue';
import { type RunningWorker, startWorker } from '../../src/jobs/worker';
import { createMailer } from '../../src/notifications/mailer';
import { type AutotaskWorld, autotaskWorld, priceEntry, runCtx } from '../support/autotask-world';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { jobsOf, PUBLIC_URL, TEST_TIMING, testJobDeps, waitFor } from '../support/jobs';
import { inv, line, offer, TENANT } from '../support/planner-fixtures';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

let db: TestDatabase;
let pool: Pool;
let queue: JobQueue;
let worker: RunningWorker;
let world: AutotaskWorld;
let smtp: SMTPServer;
const inbox: Received[] = [];

/** A real SMTP server in the test: it accepts every message and keeps it. */
async function startSink(): Promise<number> {
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        inbox.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  return (smtp.server.address() as AddressInfo).port;
}

/** Decodes the quoted-printable soft line breaks and escapes nodemailer uses for long lines. */
const unfold = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));

/** Seats at 20.00 in July; the August invoice bills the next cycle at 21.00 from 15 Aug: a mid-period price change. */
const INVOICES = [
  inv('G1', '2025-07', [
    line({ start: '2025-07-15', last: '2025-08-14', qty: 10, unitPrice: '20.00', subtotal: '200.00' }),
  ]),
  inv('G2', '2025-08', [
    line({ start: '2025-08-15', last: '2025-09-14', qty: 10, unitPrice: '21.00', subtotal: '210.00' }),
  ]),
];

beforeAll(async () => {
  db = await createTestDatabase('mail');
  await migrate(db.url);
  pool = createPool(db.url, 12);
  const port = await startSink();
  world = await autotaskWorld(pool, {
    invoices: INVOICES,
    priceList: [priceEntry(offer(), '20.00', '23.10')],
  });
  const program = await getProgram(pool, world.ws, 'autotask');
  await saveProgram(pool, world.ws, 'autotask', {
    ...program!,
    emails: ['billing@msp.example', 'owner@msp.example'],
  });
  queue = await startJobQueue({ url: db.url, max: 3 }, TEST_TIMING, { worker: true });
  const mailer = createMailer(`smtp://127.0.0.1:${port}`, 'billsync <billsync@msp.example>');
  const deps = testJobDeps({ pool, engine: world.deps, queue, clock: world.deps.clock, mailer });
  worker = await startWorker(deps, {
    concurrency: 2,
    pollSeconds: 0.5,
    tickSeconds: 0,
    defaults: { hour: 6, timeZone: 'UTC' },
  });
});
afterAll(async () => {
  await worker.stop({ timeoutMs: 5000 });
  await world.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await pool.end();
  await db.drop();
});

describe('notifications', () => {
  it('a run with a price-change warning sends one e-mail with the warning and the run link', async () => {
    await syncProducts(world.deps, runCtx(world), { preview: false });
    const queued = await enqueueCustomerSync(queue, pool, world.ws, TENANT, {
      asOf: runCtx(world).asOf,
      trigger: 'api',
    });
    expect(queued.jobId).not.toBeNull();

    const mail = await waitFor('the e-mail', async () => inbox[0]);
    const run = await pool.query<{ id: string; status: string }>(
      "select id, status from runs where workspace_id = $1 and kind = 'customer'",
      [world.ws],
    );
    expect(run.rows).toHaveLength(1);
    const runId = run.rows[0]!.id;
    expect(run.rows[0]!.status).toBe('warning');
    expect(mail.to.sort()).toEqual(['billing@msp.example', 'owner@msp.example']);
    const body = unfold(mail.raw);
    expect(body).toContain('Subject: [billsync] Customer sync of Contoso Dental finished with warnings');
    expect(body).toContain('Subscription cost unit price changed from 20.00 to 21.00 on 15 Aug 2025');
    expect(body).toContain(`${PUBLIC_URL}/history/${runId}`);
    expect(body).toContain('Content-Type: text/html');
    expect(body).toContain('Content-Type: text/plain');

    // Asked again (a retried job, the minute sweep): still one e-mail and one notification.
    await queue.send('notify-run', { workspaceId: world.ws, runId });
    const report = await worker.tick();
    expect(report.notices).toBe(0);
    await waitFor('the second notify job to finish', async () =>
      (await jobsOf(pool, 'notify-run', world.ws)).every((j) => j.state === 'completed'),
    );
    expect(inbox).toHaveLength(1);
    const notes = await listNotifications(pool, world.ws);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      level: 'warning',
      run_id: runId,
      link: `${PUBLIC_URL}/history/${runId}`,
      read_at: null,
    });
    expect((await listOutbox(pool, world.ws)).map((m) => m.status)).toEqual(['sent']);
  });
});
