import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import { fixedClock } from '../../src/core/time/clock';
import { parsePlainDate as d } from '../../src/core/time/plain-date';
import { insertRun } from '../../src/db/repos/runs';
import { saveMapping, saveProgram } from '../../src/db/repos/sync';
import { DEFAULT_PROGRAM } from '../../src/engine/program';
import { createMailer } from '../../src/notifications/mailer';
import { notifyRun } from '../../src/notifications/notify-run';
import { type Agent, createTestApp, setupAdmin, type TestApp } from '../support/app';
import { PUBLIC_URL } from '../support/jobs';

let t: TestApp;
let admin: Agent;
let ws: WorkspaceId;
const TENANT = 'cccccccc-0000-4000-8000-000000000001';

beforeAll(async () => {
  t = await createTestApp({ clock: fixedClock('2025-10-01T05:30:00Z') });
  admin = await setupAdmin(t.app);
  ws = (await admin.request('GET', '/api/me')).json.workspace.id;
  await saveProgram(t.pool, ws, 'autotask', {
    ...DEFAULT_PROGRAM,
    syncEnabled: true,
    emails: ['ops@msp.example'],
  });
  await saveMapping(t.pool, ws, 'autotask', {
    tenant_id: TENANT,
    company_id: '1',
    company_name: 'Fabrikam',
    contract_id: '2',
    contract_name: 'Fabrikam M365',
    strategy: 'cost-and-retail',
    sync_start: d('2025-09-01'),
    sync_on: true,
  });
});
afterAll(() => t.close());

describe('jobs API', () => {
  it('SAVE AND SYNC NOW queues the customer once; the queue shows it and /health counts it', async () => {
    const first = await admin.request('POST', '/api/jobs/sync-customer', { tenantId: TENANT });
    expect(first.status).toBe(202);
    expect(first.json.jobId).toMatch(/^[0-9a-f-]{36}$/);
    const again = await admin.request('POST', '/api/jobs/sync-customer', { tenantId: TENANT.toUpperCase() });
    expect(again.json).toEqual({ jobId: null, alreadyQueued: true });
    const unmapped = await admin.request('POST', '/api/jobs/sync-customer', { tenantId: 'nobody' });
    expect(unmapped.status).toBe(400);
    expect(unmapped.json.error.message).toMatch(/not mapped/);

    const jobs = await admin.request('GET', '/api/jobs?state=created&state=active');
    expect(jobs.json.items).toHaveLength(1);
    expect(jobs.json.items[0]).toMatchObject({
      id: first.json.jobId,
      name: 'sync-customer',
      state: 'created',
      tenantId: TENANT,
    });
    const health = await t.app.inject({ url: '/health' });
    expect(health.json()).toMatchObject({ status: 'ok', db: 'ok', queue: { pending: 1, active: 0 } });

    const all = await admin.request('POST', '/api/jobs/sync-customers', {});
    expect(all.json).toEqual({ queued: 0, alreadyQueued: 1 });
    const products = await admin.request('POST', '/api/jobs/sync-products', { thenCustomers: true });
    expect(products.status).toBe(202);
  });

  it('the daily schedule is read and changed by admins, with its time zone checked', async () => {
    const view = await admin.request('GET', '/api/schedule');
    expect(view.json).toEqual({
      enabled: true,
      hour: 6,
      timeZone: 'UTC',
      defaults: { hour: 6, timeZone: 'UTC' },
      lastFired: null,
    });
    const bad = await admin.request('PUT', '/api/schedule', { timeZone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    const saved = await admin.request('PUT', '/api/schedule', { hour: 7, timeZone: 'Europe/Berlin' });
    expect(saved.json).toMatchObject({ enabled: true, hour: 7, timeZone: 'Europe/Berlin' });
    // The app's clock says 07:30 in Berlin: the check queued now is for that local day.
    const now = await admin.request('POST', '/api/jobs/daily-check');
    expect(now.status).toBe(202);
    const checks = await admin.request('GET', '/api/jobs');
    expect(checks.json.items.map((j: { name: string }) => j.name)).toContain('daily-check');
  });
});

describe('notifications API', () => {
  it('lists notifications with the unread count, marks them read, and shows held e-mails in the outbox', async () => {
    const runId = await insertRun(t.pool, {
      workspaceId: ws,
      target: 'autotask',
      kind: 'customer',
      tenantId: TENANT,
      customerName: 'Fabrikam',
      status: 'error',
      asOf: d('2025-10-01'),
      trigger: 'test',
      createdBy: 'test',
      plan: { operations: [], invoiceIds: [] },
      summary: {},
      items: [
        {
          key: 'x',
          label: 'Fabrikam / Business Basic',
          action: 'adjust',
          status: 'error',
          messages: [{ level: 'error', text: 'Contract Fabrikam M365 ended on 31 Aug 2025' }],
        },
      ],
      journal: [],
    });
    // No SMTP server configured: the message is held in the outbox.
    const outcome = await notifyRun(
      { pool: t.pool, mailer: createMailer(undefined, 'x'), publicUrl: PUBLIC_URL },
      ws,
      runId,
    );
    expect(outcome).toEqual({ notification: 'added', email: 'held' });

    const list = await admin.request('GET', '/api/notifications');
    expect(list.json.unread).toBe(1);
    const note = list.json.items[0];
    expect(note).toMatchObject({
      runId,
      level: 'error',
      link: `${PUBLIC_URL}/history/${runId}`,
      readAt: null,
    });
    expect(note.title).toBe('Customer sync of Fabrikam finished with errors');
    expect((await admin.request('GET', `/api/notifications/${note.id}`)).json.id).toBe(note.id);
    const read = await admin.request('POST', `/api/notifications/${note.id}/read`);
    expect(read.json.unread).toBe(0);
    expect(read.json.notification.readAt).not.toBeNull();
    expect((await admin.request('GET', '/api/notifications?unread=true')).json.items).toEqual([]);
    expect((await admin.request('POST', '/api/notifications/read-all')).json).toEqual({
      marked: 0,
      unread: 0,
    });

    const outbox = await admin.request('GET', '/api/outbox');
    expect(outbox.json.items).toHaveLength(1);
    expect(outbox.json.items[0]).toMatchObject({ runId, status: 'held', recipients: ['ops@msp.example'] });
    expect(outbox.json.items[0].text).toContain('Contract Fabrikam M365 ended on 31 Aug 2025');
  });
});
