import { afterEach, describe, expect, test } from 'vitest';
import { LEGACY_AUDIENCE, PARTNER_AUDIENCE } from './http/auth-routes';
import { DEMO_CREDENTIALS, DEMO_STORIES } from './seed/demo';
import { DEFAULT_SCENARIO_CREDENTIALS, pax8Scenario } from './seed/scenario';
import { type Json, startTestEmulator, type TestEmulator } from './testing';

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const tokenBody = (overrides: Record<string, unknown> = {}) => ({
  client_id: DEMO_CREDENTIALS.clientId,
  client_secret: DEMO_CREDENTIALS.clientSecret,
  audience: PARTNER_AUDIENCE,
  grant_type: 'client_credentials',
  ...overrides,
});

async function allPages(e: TestEmulator, path: string, size = 200): Promise<Json[]> {
  const out: Json[] = [];
  for (let page = 0; ; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await e.api('GET', `${path}${sep}page=${page}&size=${size}`);
    expect(res.status).toBe(200);
    out.push(...(res.body.content ?? []));
    if (page + 1 >= res.body.page.totalPages) return out;
  }
}

describe('tokens', () => {
  test('client credentials on /v1/token, /oauth/token and legacy /auth/token; 24 h by the emulator clock', async () => {
    emu = await startTestEmulator();
    const res = await emu.raw('POST', '/v1/token', tokenBody());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 86_400 });
    expect(res.body.expires_at).toBe('2026-03-16T09:00:00.000+00:00');
    expect((await emu.raw('POST', '/oauth/token', tokenBody())).status).toBe(200);
    const legacy = await emu.raw('POST', '/auth/token', {
      clientId: DEMO_CREDENTIALS.clientId,
      clientSecret: DEMO_CREDENTIALS.clientSecret,
      audience: LEGACY_AUDIENCE,
      grantType: 'client_credentials',
    });
    expect(legacy.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 86_400 });
    const auth = { Authorization: `Bearer ${res.body.access_token}` };
    expect((await emu.api('GET', '/companies', auth)).status).toBe(200);
    emu.clock.advance(86_400_000 - 1);
    expect((await emu.api('GET', '/companies', auth)).status).toBe(200);
    emu.clock.advance(1);
    const expired = await emu.api('GET', '/companies', auth);
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({
      type: 'UNAUTHORIZED',
      status: 401,
      instance: '/public/v1/companies',
    });
  });

  test('bad credentials and unknown or missing audience: 401 access_denied; malformed: 400', async () => {
    emu = await startTestEmulator();
    const denied = { error: 'access_denied', error_description: 'Unauthorized' };
    for (const body of [
      tokenBody({ client_secret: 'wrong' }),
      tokenBody({ audience: 'https://example.com' }),
      tokenBody({ audience: undefined }),
    ]) {
      const res = await emu.raw('POST', '/v1/token', body);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(denied);
    }
    expect((await emu.raw('POST', '/v1/token', tokenBody({ grant_type: 'password' }))).status).toBe(400);
    expect((await emu.raw('POST', '/v1/token', { audience: PARTNER_AUDIENCE })).status).toBe(400);
  });

  test('legacy audience accepted by default, refused under legacyAudience=reject; vendor audiences get 403', async () => {
    emu = await startTestEmulator();
    const legacy = await emu.token(DEMO_CREDENTIALS, LEGACY_AUDIENCE);
    expect((await emu.api('GET', '/companies', { Authorization: `Bearer ${legacy}` })).status).toBe(200);
    const vendor = await emu.token(DEMO_CREDENTIALS, 'api://usage');
    const forbidden = await emu.api('GET', '/companies', { Authorization: `Bearer ${vendor}` });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.type).toBe('FORBIDDEN');
    emu.setRules({ legacyAudience: 'reject' });
    expect((await emu.raw('POST', '/v1/token', tokenBody({ audience: LEGACY_AUDIENCE }))).status).toBe(401);
    expect((await emu.api('GET', '/companies', { Authorization: `Bearer ${legacy}` })).status).toBe(401);
  });

  test('no or unknown bearer: 401 with the error envelope', async () => {
    emu = await startTestEmulator();
    const none = await emu.api('GET', '/invoices', {});
    expect(none.status).toBe(401);
    expect(none.body).toEqual({
      type: 'UNAUTHORIZED',
      message: 'No valid API key provided.',
      instance: '/public/v1/invoices',
      status: 401,
      details: [],
    });
    expect((await emu.api('GET', '/invoices', { Authorization: 'Bearer nope' })).status).toBe(401);
  });

  test('a token expires with a short tokenTtlSeconds', async () => {
    emu = await startTestEmulator({ rules: { tokenTtlSeconds: 60 } });
    const res = await emu.raw('POST', '/v1/token', tokenBody());
    expect(res.body.expires_in).toBe(60);
    emu.clock.advance(60_000);
    expect(
      (await emu.api('GET', '/companies', { Authorization: `Bearer ${res.body.access_token}` })).status,
    ).toBe(401);
  });
});

describe('paging and errors', () => {
  test('page from 0, default size 10, the page envelope; pages cover the list exactly once', async () => {
    emu = await startTestEmulator();
    const first = await emu.api('GET', '/companies');
    expect(first.body.page).toEqual({ size: 10, totalElements: 25, totalPages: 3, number: 0 });
    expect(first.body.content).toHaveLength(10);
    const last = await emu.api('GET', '/companies?page=2');
    expect(last.body.content).toHaveLength(5);
    const ids = (await allPages(emu, '/companies', 7)).map((c) => c.id);
    expect(new Set(ids).size).toBe(25);
    const beyond = await emu.api('GET', '/companies?page=9');
    expect(beyond.body).toEqual({
      content: [],
      page: { size: 10, totalElements: 25, totalPages: 3, number: 9 },
    });
  });

  test('size above 200: clamped, or 400 under oversize=reject; bad page/size: 400', async () => {
    emu = await startTestEmulator();
    expect((await emu.api('GET', '/subscriptions?size=1000')).body.page.size).toBe(200);
    emu.setRules({ oversize: 'reject' });
    const refused = await emu.api('GET', '/subscriptions?size=201');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      type: 'BAD_REQUEST',
      status: 400,
      instance: '/public/v1/subscriptions',
    });
    expect((await emu.api('GET', '/subscriptions?size=200')).status).toBe(200);
    expect((await emu.api('GET', '/companies?page=-1')).status).toBe(400);
    expect((await emu.api('GET', '/companies?size=0')).status).toBe(400);
    expect((await emu.api('GET', '/companies?size=abc')).status).toBe(400);
  });

  test('404 for unknown ids with the documented message and instance; 400 for a non-uuid; 403 foreign company', async () => {
    emu = await startTestEmulator();
    const id = '3d0617ac-57f6-40e3-951d-e91da47a326b';
    const res = await emu.api('GET', `/companies/${id}`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      type: 'NOT_FOUND',
      message: `Company Not Found: ${id}`,
      instance: `/public/v1/companies/${id}`,
      status: 404,
      details: [],
    });
    expect((await emu.api('GET', '/companies/666666')).status).toBe(400);
    expect((await emu.api('GET', `/subscriptions?companyId=${id}`)).status).toBe(403);
    expect((await emu.api('GET', `/invoices?companyId=${id}`)).status).toBe(404);
    expect((await emu.api('GET', `/invoices/${id}/items`)).body.message).toBe('Invalid invoice id');
    expect((await emu.api('GET', '/nothing-here')).status).toBe(404);
  });

  test('faults: 429 with Retry-After (or without under retryAfter=omit), 500, and the request log', async () => {
    emu = await startTestEmulator();
    await emu.api('GET', '/companies');
    emu.faults.inject({ kind: '429', path: '/v1/invoices', retryAfter: 3 });
    const limited = await emu.api('GET', '/invoices');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.body).toMatchObject({
      type: 'TOO_MANY_REQUESTS',
      status: 429,
      instance: '/public/v1/invoices',
    });
    expect((await emu.api('GET', '/invoices')).status).toBe(200);
    emu.setRules({ retryAfter: 'omit' });
    emu.faults.inject({ kind: '429', path: '/v1/invoices' });
    expect((await emu.api('GET', '/invoices')).headers.get('retry-after')).toBeNull();
    emu.faults.inject({ kind: '500', path: '/v1/invoices/*/items' });
    const id = (await emu.api('GET', '/invoices')).body.content[0].id;
    const failed = await emu.api('GET', `/invoices/${id}/items`);
    expect(failed.status).toBe(500);
    expect(failed.body.type).toBe('INTERNAL_SERVER_ERROR');
    expect(emu.requests.count('GET', '/v1/invoices')).toBe(4);
    expect(emu.requests.count('POST', '/v1/token')).toBe(1);
    const admin = await emu.raw('GET', '/_emulator/requests');
    expect(admin.body.counts['GET /v1/invoices/:invoiceId/items']).toBe(1);
  });
});

describe('resources', () => {
  test('list companies are sparse, the detail complete', async () => {
    emu = await startTestEmulator();
    const list = await emu.api('GET', '/companies?sort=name,asc');
    const first = list.body.content[0];
    expect(first.name).toBe('Bayview Auto Repair');
    expect(first).not.toHaveProperty('phone');
    const detail = await emu.api('GET', `/companies/${first.id}`);
    expect(detail.body).toMatchObject({
      id: first.id,
      phone: expect.any(String),
      orderApprovalRequired: false,
    });
  });

  test('product pricing: billing and commitment terms, partnerBuyRate and suggestedRetailPrice, no page', async () => {
    emu = await startTestEmulator();
    const products = await allPages(emu, '/products');
    const bp = products.find((p) => p.name === 'Microsoft 365 Business Premium');
    const pricing = await emu.api('GET', `/products/${bp.id}/pricing`);
    expect(pricing.body).not.toHaveProperty('page');
    expect(
      pricing.body.content.map((r: Json) => [
        r.billingTerm,
        r.commitmentTerm,
        r.rates[0].partnerBuyRate,
        r.rates[0].suggestedRetailPrice,
      ]),
    ).toEqual([
      ['Monthly', null, 22.44, 26.4],
      ['Monthly', '1-Year', 18.7, 22],
      ['Annual', '1-Year', 224.4, 264],
    ]);
    expect((await emu.api('GET', '/products?search=azure')).body.content.map((p: Json) => p.name)).toEqual([
      'Microsoft Azure Plan',
    ]);
  });

  test('subscriptions: price per switch, partnerCost and vendorSkuId on the detail only', async () => {
    emu = await startTestEmulator();
    const list = await emu.api('GET', '/subscriptions?size=1');
    const sub = list.body.content[0];
    expect(sub).not.toHaveProperty('partnerCost');
    expect(sub).not.toHaveProperty('vendorSkuId');
    const detail = (await emu.api('GET', `/subscriptions/${sub.id}`)).body;
    expect(detail.partnerCost).toBeLessThan(detail.price);
    expect(detail).toHaveProperty('vendorSkuId');
    emu.setRules({ subscriptionPrice: 'partner-cost' });
    expect((await emu.api('GET', `/subscriptions/${sub.id}`)).body.price).toBe(detail.partnerCost);
  });

  test('history: one full snapshot per change, newest first or oldest first', async () => {
    const s = pax8Scenario();
    const c = s.company('Acme');
    const sub = s.subscribe(c, 'business-basic', { on: '2026-01-01', quantity: 3 });
    s.changeSeats(sub, '2026-01-20', 5).cancel(sub, '2026-03-01');
    emu = await startTestEmulator({ seed: s.build(), credentials: DEFAULT_SCENARIO_CREDENTIALS });
    const history = await emu.api('GET', `/subscriptions/${sub}/history`);
    expect(history.body).not.toHaveProperty('page');
    expect(history.body.content.map((h: Json) => [h.id, h.quantity, h.status])).toEqual([
      [sub, 5, 'Cancelled'],
      [sub, 5, 'Active'],
      [sub, 3, 'Active'],
    ]);
    emu.setRules({ historyOrder: 'oldest-first' });
    expect(
      (await emu.api('GET', `/subscriptions/${sub}/history`)).body.content.map((h: Json) => h.quantity),
    ).toEqual([3, 5, 5]);
    const current = (await emu.api('GET', `/subscriptions/${sub}`)).body;
    expect(current).toMatchObject({ status: 'Cancelled', quantity: 5 });
    expect(current.endDate.slice(0, 10)).toBe('2026-03-01');
  });

  test('a dropped snapshot: the history lacks that change, the invoices still bill it', async () => {
    const s = pax8Scenario();
    const c = s.company('Acme');
    const sub = s.subscribe(c, 'business-basic', { on: '2026-01-01', quantity: 3 });
    s.changeSeats(sub, '2026-02-01', 6).dropSnapshot(sub, '2026-02-01');
    emu = await startTestEmulator({ seed: s.build(), credentials: DEFAULT_SCENARIO_CREDENTIALS });
    const history = await emu.api('GET', `/subscriptions/${sub}/history`);
    expect(history.body.content.map((h: Json) => h.quantity)).toEqual([3]);
    const invoices = await allPages(emu, '/invoices');
    const feb = invoices.find((i) => i.invoiceDate === '2026-02-01');
    expect((await emu.api('GET', `/invoices/${feb.id}/items`)).body.content[0].quantity).toBe(6);
  });

  test('an empty invoice list omits content (or sends [] under emptyInvoiceList=empty-content)', async () => {
    const s = pax8Scenario();
    s.company('Nobody Yet');
    emu = await startTestEmulator({ seed: s.build(), credentials: DEFAULT_SCENARIO_CREDENTIALS });
    const res = await emu.api('GET', '/invoices');
    expect(res.body).toEqual({ page: { size: 10, totalElements: 0, totalPages: 0, number: 0 } });
    emu.setRules({ emptyInvoiceList: 'empty-content' });
    expect((await emu.api('GET', '/invoices')).body.content).toEqual([]);
  });

  test('invoices show up by the clock; items page; filters by date range', async () => {
    emu = await startTestEmulator();
    const before = await allPages(emu, '/invoices');
    expect(before[0].invoiceDate).toBe('2026-03-01');
    emu.clock.set('2026-04-04T23:59:00Z');
    expect((await allPages(emu, '/invoices')).length).toBe(before.length);
    emu.clock.set('2026-04-05T00:00:00Z');
    const after = await allPages(emu, '/invoices');
    expect(after.length).toBe(before.length + 1);
    expect(after[0]).toMatchObject({ invoiceDate: '2026-04-01', status: 'Unpaid' });
    const items = await allPages(emu, `/invoices/${after[0].id}/items`, 25);
    expect(items.length).toBeGreaterThan(25);
    const range = await emu.api(
      'GET',
      '/invoices?invoiceDateRangeStart=2026-01-01&invoiceDateRangeEnd=2026-02-28&sort=invoiceDate,asc',
    );
    expect(range.body.content.map((i: Json) => i.invoiceDate)).toEqual(['2026-01-01', '2026-02-01']);
    expect((await emu.api('GET', '/invoices?invoiceDate=2026-13-01')).status).toBe(400);
  });

  test('draft items: next month by default, no arrears usage; monthOffset 0, companyId; 2 is refused with 422', async () => {
    emu = await startTestEmulator();
    const current = await allPages(emu, '/invoices/draftItems?monthOffset=0');
    expect(
      current.filter((i) => i.type === 'subscription').every((i) => i.startPeriod.startsWith('2026-03')),
    ).toBe(true);
    const companyId = current[0].companyId;
    const one = await allPages(emu, `/invoices/draftItems?monthOffset=0&companyId=${companyId}`);
    expect(one.length).toBeGreaterThan(0);
    expect(one.every((i) => i.companyId === companyId)).toBe(true);
    const draft = await allPages(emu, '/invoices/draftItems');
    expect(draft.length).toBeGreaterThan(0);
    expect(new Set(draft.map((i) => i.term)).has('Arrears')).toBe(false);
    expect(draft.filter((i) => i.type === 'subscription').every((i) => i.startPeriod === '2026-04-01')).toBe(
      true,
    );
    const bad = await emu.api('GET', '/invoices/draftItems?monthOffset=2');
    expect(bad.status).toBe(422);
    expect(bad.body.message).toBe('Invalid monthOffset value');
  });

  test('Azure usage summaries for the current month and daily usage lines (usageDate required)', async () => {
    emu = await startTestEmulator();
    const subs = await allPages(emu, '/subscriptions');
    const azure = subs.find((s) => s.productName === 'Microsoft Azure Plan');
    const summaries = await emu.api('GET', `/subscriptions/${azure.id}/usage-summaries`);
    expect(summaries.body.content.length).toBe(2);
    const summary = summaries.body.content[0];
    expect(summary.currentCharges).toBeGreaterThan(summary.partnerTotal);
    const missing = await emu.api('GET', `/usage-summaries/${summary.id}/usage-lines`);
    expect(missing.status).toBe(400);
    const lines = await emu.api('GET', `/usage-summaries/${summary.id}/usage-lines?usageDate=2026-03-02`);
    expect(lines.body.page.totalElements).toBeGreaterThan(0);
    for (const l of lines.body.content)
      expect(Math.round(l.currentProfit * 1000)).toBe(Math.round((l.currentCharges - l.partnerTotal) * 1000));
    // Month to date = the sum of the daily lines before today.
    let charges = 0;
    for (let d = 1; d < 15; d++) {
      const day = await emu.api(
        'GET',
        `/usage-summaries/${summary.id}/usage-lines?usageDate=2026-03-${String(d).padStart(2, '0')}`,
      );
      for (const l of day.body.content) charges += Math.round(l.currentCharges * 1000);
    }
    expect(charges / 1000).toBe(summary.currentCharges);
    expect((await emu.api('GET', `/usage-summaries/${summary.id}`)).body.id).toBe(summary.id);
  });
});

describe('admin', () => {
  test('rules: view, change, refuse a bad value; seed: load a scenario; state', async () => {
    emu = await startTestEmulator();
    expect((await emu.raw('GET', '/_emulator/rules')).body.rules.midPeriodChange).toBe('prorate-line');
    const bad = await emu.raw('PUT', '/_emulator/rules', { azureLines: 'per-day' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('rules.azureLines');
    expect(
      (await emu.raw('PUT', '/_emulator/rules', { azureLines: 'per-meter' })).body.rules.azureLines,
    ).toBe('per-meter');
    const s = pax8Scenario();
    s.company('Solo');
    const loaded = await emu.raw('POST', '/_emulator/seed', s.build());
    expect(loaded.body.loaded.companies).toBe(1);
    expect((await emu.raw('POST', '/_emulator/seed', { companies: 'x' })).status).toBe(400);
    expect((await emu.raw('POST', '/_emulator/seed', { seed: 'demo' })).body.loaded.companies).toBe(25);
    const state = await emu.raw('GET', '/_emulator/state');
    expect(state.body.today).toBe('2026-03-15');
    expect(state.body.invoices.some((i: Json) => i.status === 'Credited')).toBe(true);
    expect((await emu.raw('DELETE', '/_emulator/tokens')).status).toBe(200);
  });
});

describe('demo seed', () => {
  test('25 companies over 12 months: changes, a cancellation, an upgrade, annual terms, Azure, a correction', async () => {
    emu = await startTestEmulator();
    const { seed } = emu.ctx;
    expect(seed.companies).toHaveLength(25);
    const invoices = await allPages(emu, '/invoices');
    expect(invoices.filter((i) => i.invoiceDate.endsWith('-01')).length).toBe(13);
    expect(invoices.filter((i) => i.status === 'Credited')).toHaveLength(1);
    const items = (
      await Promise.all(invoices.map((i) => allPages(emu as TestEmulator, `/invoices/${i.id}/items`)))
    ).flat();
    const types = new Set(items.map((i) => `${i.type}/${i.term}`));
    for (const t of [
      'subscription/Monthly',
      'prorate/Monthly',
      'subscription/Annual',
      'subscription/Arrears',
    ])
      expect(types).toContain(t);
    expect(items.some((i) => i.description.endsWith('(Canceled) prorated'))).toBe(true);
    const upgrade = seed.companies[DEMO_STORIES.upgrade]?.id;
    const upgraded = seed.subscriptions.filter(
      (s) => s.companyId === upgrade && !s.quantities.some((q) => q.quantity === 0),
    );
    expect(upgraded.some((s) => s.endDate !== null)).toBe(true);
    expect(upgraded.some((s) => s.startDate === upgraded.find((o) => o.endDate)?.endDate)).toBe(true);
  });

  test('invoice items agree with the history snapshots: the recurring quantity of each month', async () => {
    emu = await startTestEmulator();
    const invoices = (await allPages(emu, '/invoices')).filter((i) => i.status !== 'Credited');
    const items = (
      await Promise.all(invoices.map((i) => allPages(emu as TestEmulator, `/invoices/${i.id}/items`)))
    ).flat();
    const recurring = items.filter(
      (i) => i.type === 'subscription' && i.term === 'Monthly' && i.startPeriod.endsWith('-01'),
    );
    expect(recurring.length).toBeGreaterThan(100);
    const histories = new Map<string, Json[]>();
    for (const line of recurring) {
      if (!histories.has(line.subscriptionId))
        histories.set(
          line.subscriptionId,
          (await emu.api('GET', `/subscriptions/${line.subscriptionId}/history`)).body.content,
        );
      // The newest snapshot on or before the period start: its quantity is what the month is billed for.
      const snapshot = (histories.get(line.subscriptionId) ?? []).find(
        (h) => (h.updatedDate as string).slice(0, 10) <= line.startPeriod,
      );
      expect(snapshot?.quantity, `${line.companyName} ${line.startPeriod}`).toBe(line.quantity);
    }
  });

  test('the same today gives the same demo', async () => {
    const a = await startTestEmulator();
    const b = await startTestEmulator();
    try {
      expect(b.ctx.seed).toEqual(a.ctx.seed);
      expect((await b.api('GET', '/invoices')).body).toEqual((await a.api('GET', '/invoices')).body);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
