import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import type { BillingPeriod } from '../../src/core/time';
import { getInvoice, listInvoices } from '../../src/db/repos/source-data';
import { createUser } from '../../src/services/auth';
import { generateDemoData, writeDemoData } from '../../src/sources/partner-center/demo/generate';
import { importPriceListFile } from '../../src/sources/partner-center/import';
import { type Agent, login, setupAdmin } from '../support/app';
import { withCell } from '../support/csv-cell';
import { type FilePart, multipartBody } from '../support/multipart';
import { createUploadTestApp, type UploadTestApp } from '../support/upload-app';

const CAP = 256 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'billsync-upload-files-'));
const demo = generateDemoData({ months: 2, customers: 6, seed: 11, endPeriod: '2025-07' as BillingPeriod });
const file = (name: string, as = name): FilePart => ({ name: as, content: readFileSync(join(dir, name)) });
const [june, july] = demo.invoices;

let t: UploadTestApp;
let ws: WorkspaceId;
let admin: Agent;
let operator: Agent;
let viewer: Agent;

/** POST /api/sources/uploads as `who`, with the CSRF token (unless told otherwise). */
async function upload(who: Agent, files: FilePart[], query = '', csrf = true) {
  const body = multipartBody(files);
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/sources/uploads${query}`,
    headers: { ...body.headers, cookie: who.cookie, ...(csrf ? { 'x-csrf-token': who.csrf } : {}) },
    payload: body.payload,
  });
  return { status: res.statusCode, json: res.json() };
}

/** A copy of a demo file with one cell of one row (1-based, the header is row 1) replaced. */
const edited = (name: string, row: number, column: string, value: string, as: string): FilePart => ({
  name: as,
  content: withCell(join(dir, name), row, column, value),
});

beforeAll(async () => {
  await writeDemoData(dir, demo);
  t = await createUploadTestApp({ maxFileBytes: CAP });
  admin = await setupAdmin(t.app);
  ws = (await admin.request('GET', '/api/workspace')).json.id;
  for (const role of ['operator', 'viewer'] as const) {
    const email = `${role}@msp.example`;
    await createUser(t.pool, { workspaceId: ws, email, password: `${role} password!`, role, actor: 'test' });
  }
  operator = await login(t.app, 'operator@msp.example', 'operator password!');
  viewer = await login(t.app, 'viewer@msp.example', 'viewer password!');
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('POST /api/sources/uploads', () => {
  it('imports a price list, telling the counts', async () => {
    const res = await upload(admin, [file('pricelist.csv')]);
    expect(res.status).toBe(200);
    const [r] = res.json.files;
    expect(r).toMatchObject({ outcome: 'stored', file: 'pricelist.csv', kind: 'price_list', invoice: null });
    expect(r.created).toBe(r.rows);
    expect(r.message).toMatch(/^Imported price list pricelist\.csv: \d+ entries \(\d+ created, 0 updated/);
  });

  it('imports an invoice and its Azure usage in one request, with the inferred dates and why', async () => {
    const res = await upload(operator, [file('invoice-2025-06.csv'), file('azure-usage-2025-06.csv')]);
    expect(res.status).toBe(200);
    const [recon, usage] = res.json.files;
    expect(recon).toMatchObject({
      outcome: 'stored',
      kind: 'recon',
      rows: june!.lineCount,
      created: june!.lineCount,
      invoice: { invoiceId: june!.id, status: 'created', billingPeriod: '2025-06', issueDate: '2025-07-07' },
    });
    expect(recon.invoice.datesFrom).toBe('inferred');
    expect(recon.invoice.basis.join(' ')).toMatch(/billing period 2025-06/);
    expect(usage).toMatchObject({ outcome: 'stored', kind: 'azure_usage', invoice: { invoiceId: june!.id } });
    expect(await getInvoice(t.pool, ws, june!.id)).toMatchObject({ billingPeriod: '2025-06' });
  });

  it('takes the billing period and issue date the user states', async () => {
    const res = await upload(operator, [file('invoice-2025-07.csv')], '?period=2025-07&issued=2025-08-06');
    expect(res.json.files[0].invoice).toMatchObject({
      billingPeriod: '2025-07',
      issueDate: '2025-08-06',
      datesFrom: 'user',
    });
    expect(res.json.files[0].invoice.basis.join(' ')).toMatch(/given with the upload/);
    const bad = await upload(operator, [file('invoice-2025-07.csv')], '?period=July');
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/YYYY-MM/);
  });

  it('says a corrected re-issue replaced the stored lines', async () => {
    const corrected = edited('invoice-2025-07.csv', 2, 'Subtotal', '1.00', 'invoice-2025-07-corrected.csv');
    const res = await upload(operator, [corrected]);
    expect(res.json.files[0]).toMatchObject({
      outcome: 'stored',
      updated: july!.lineCount,
      invoice: { status: 'replaced', previousLineCount: july!.lineCount },
    });
    expect(res.json.files[0].message).toMatch(
      `a corrected re-issue: replaced ${july!.lineCount} stored lines`,
    );
  });

  it('refuses a bad file naming row, column, value and what was expected, and stores nothing from it', async () => {
    const before = (await listInvoices(t.pool, ws)).length;
    const bad = edited('invoice-2025-06.csv', 3, 'ChargeEndDate', '6/31/2025', 'bad-invoice.csv');
    const res = await upload(operator, [
      { ...bad, content: bad.content.toString().replaceAll(june!.id, 'G-NEW') },
    ]);
    expect(res.status).toBe(200);
    expect(res.json.files[0]).toMatchObject({
      outcome: 'failed',
      file: 'bad-invoice.csv',
      kind: 'recon',
      error: { code: 'bad_file', row: 3, column: 'ChargeEndDate', value: '6/31/2025' },
    });
    expect(res.json.files[0].error.expected).toMatch(/date/);
    expect(res.json.files[0].message).toMatch(
      /row 3, column "ChargeEndDate".*Nothing from bad-invoice\.csv was stored\./,
    );
    expect((await listInvoices(t.pool, ws)).length).toBe(before);
    expect(await getInvoice(t.pool, ws, 'G-NEW')).toBeUndefined();

    const unknown = await upload(operator, [{ name: 'notes.csv', content: 'Name,Remark\nA,B\n' }]);
    expect(unknown.json.files[0]).toMatchObject({ outcome: 'failed', kind: null, error: { row: 1 } });
  });

  it('refuses a file over BILLSYNC_UPLOAD_MAX_MB with the limit in words, and a request announced too large', async () => {
    const big = { name: 'huge.csv', content: Buffer.alloc(CAP + 10, 'a') };
    const res = await upload(operator, [big, file('pricelist.csv')]);
    expect(res.status).toBe(200);
    const [refused, fine] = res.json.files;
    expect(refused).toMatchObject({ outcome: 'failed', file: 'huge.csv', error: { code: 'too_large' } });
    expect(refused.message).toBe(
      'huge.csv is larger than the upload limit of 256 KB (BILLSYNC_UPLOAD_MAX_MB). Nothing from huge.csv was stored.',
    );
    expect(fine).toMatchObject({ outcome: 'stored', created: 0, updated: 0 });

    const body = multipartBody([file('pricelist.csv')]);
    const announced = await t.app.inject({
      method: 'POST',
      url: '/api/sources/uploads',
      headers: {
        ...body.headers,
        cookie: operator.cookie,
        'x-csrf-token': operator.csrf,
        'content-length': '999999999',
      },
      payload: body.payload,
    });
    expect(announced.statusCode).toBe(413);
    expect(announced.json().error.message).toMatch(/at most 20 files of 256 KB each/);
  });

  it('is for operators and admins, with the CSRF token, and multipart bodies', async () => {
    const refused = await upload(viewer, [file('pricelist.csv')]);
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/operator role/);
    const noToken = await upload(operator, [file('pricelist.csv')], '', false);
    expect(noToken.status).toBe(403);
    expect(noToken.json.error.code).toBe('csrf_failed');
    const json = await operator.request('POST', '/api/sources/uploads', { file: 'x' });
    expect(json.status).toBe(400);
    const empty = await upload(operator, []);
    expect(empty.json.error.message).toMatch(/no file/);
  });
});

describe('GET /api/sources/imports', () => {
  it('lists every import, stored or failed, with who, the counts and the outcome, paged', async () => {
    await importPriceListFile(t.pool, ws, join(dir, 'pricelist.csv'));
    const all = await viewer.request('GET', '/api/sources/imports?limit=200');
    expect(all.status).toBe(200);
    const items = all.json.items;
    expect(all.json.total).toBe(items.length);
    expect(items[0]).toMatchObject({ fileName: 'pricelist.csv', by: null, outcome: 'stored' });
    const byName = (name: string) => items.filter((i: { fileName: string }) => i.fileName === name);
    expect(byName('invoice-2025-06.csv')[0]).toMatchObject({
      by: { email: 'operator@msp.example' },
      kind: 'recon',
      outcome: 'stored',
      invoiceId: june!.id,
      billingPeriod: '2025-06',
      status: 'created',
      counts: { created: june!.lineCount, updated: 0, unchanged: 0 },
      error: null,
    });
    expect(byName('invoice-2025-07-corrected.csv')[0]).toMatchObject({ status: 'replaced' });
    expect(byName('bad-invoice.csv')[0]).toMatchObject({
      by: { email: 'operator@msp.example' },
      outcome: 'failed',
      counts: null,
      error: { code: 'bad_file', row: 3, column: 'ChargeEndDate' },
    });
    expect(byName('huge.csv')[0]).toMatchObject({ outcome: 'failed', error: { code: 'too_large' } });
    expect(byName('pricelist.csv').at(-1)).toMatchObject({ by: { email: 'admin@msp.example' } });

    const page = await viewer.request('GET', '/api/sources/imports?limit=2&offset=1');
    expect(page.json).toMatchObject({ limit: 2, offset: 1, total: items.length });
    expect(page.json.items.map((i: { id: string }) => i.id)).toEqual(
      items.slice(1, 3).map((i: { id: string }) => i.id),
    );
  });

  it('tells the upload limits', async () => {
    const res = await viewer.request('GET', '/api/sources/upload-limits');
    expect(res.json).toEqual({ maxFileBytes: CAP, maxFiles: 20 });
  });

  it('documents the routes in OpenAPI', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(doc.paths['/api/sources/uploads'].post.summary).toMatch(/Upload Microsoft CSP files/);
    expect(doc.paths['/api/sources/imports'].get.responses['200']).toBeDefined();
  });
});
