import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../core/integration-error';
import type { PlainDate } from '../../core/time';
import type { Pax8Connection } from './connection';
import { createPax8Client } from './pax8-client';
import { pullPax8 } from './pull';
import { COMPANY, cents, invoice, item, PRODUCT, SUB } from './test-fixtures';

/**
 * A tiny local stand-in for Pax8, written for these tests from pax8-api.md (not the emulator): the token
 * endpoint, page-number paging with `{content, page}`, the empty invoice list without `content`, faults on demand.
 */
interface Stub {
  base: string;
  app: FastifyInstance;
  tokens: string[];
  revoked: Set<string>;
  /** Answers to give before the real one, per path (status, headers, body). */
  faults: Map<string, { status: number; headers?: Record<string, string>; body?: unknown }[]>;
  requests: { method: string; url: string }[];
  data: {
    companies: Record<string, unknown>[];
    invoices: Record<string, unknown>[];
    items: Map<string, Record<string, unknown>[]>;
    subscriptions: Record<string, unknown>[];
    history: Map<string, Record<string, unknown>[]>;
    /** `GET /subscriptions/{id}` of subscriptions the list leaves out. */
    detail: Map<string, Record<string, unknown>>;
    products: Record<string, unknown>[];
    pricing: Map<string, Record<string, unknown>[]>;
  };
}

const SECRET = 'right-secret';
let stub: Stub | undefined;
afterEach(async () => {
  await stub?.app.close();
  stub = undefined;
});

function errorBody(status: number, type: string, message: string, instance: string) {
  return { type, message, instance: `/public${instance}`, status, details: [] };
}

async function startStub(data: Partial<Stub['data']> = {}): Promise<Stub> {
  const app = Fastify();
  const s: Stub = {
    base: '',
    app,
    tokens: [],
    revoked: new Set(),
    faults: new Map(),
    requests: [],
    data: {
      companies: [],
      invoices: [],
      items: new Map(),
      subscriptions: [],
      history: new Map(),
      detail: new Map(),
      products: [],
      pricing: new Map(),
      ...data,
    },
  };
  app.addHook('onRequest', async (req, reply) => {
    s.requests.push({ method: req.method, url: req.url });
    const path = req.url.split('?')[0]!;
    const fault = s.faults.get(path)?.shift();
    if (fault)
      return reply
        .code(fault.status)
        .headers(fault.headers ?? {})
        .send(fault.body ?? {});
    if (path === '/v1/token') return;
    const auth = req.headers.authorization ?? '';
    const token = auth.replace(/^Bearer /, '');
    if (!s.tokens.includes(token) || s.revoked.has(token))
      return reply.code(401).send(errorBody(401, 'UNAUTHORIZED', 'No valid API key provided', path));
  });
  app.post('/v1/token', async (req, reply) => {
    const b = req.body as Record<string, string>;
    if (
      b.client_id !== 'client' ||
      b.client_secret !== SECRET ||
      b.grant_type !== 'client_credentials' ||
      b.audience !== 'https://api.pax8.com'
    )
      return reply.code(401).send({ error: 'access_denied', error_description: 'Unauthorized' });
    const token = `tok-${s.tokens.length + 1}`;
    s.tokens.push(token);
    return { access_token: token, expires_in: 86400, token_type: 'Bearer' };
  });
  const page = (all: unknown[], q: Record<string, string>, omitEmpty = false) => {
    const size = Math.min(200, Number(q.size ?? 10));
    const number = Number(q.page ?? 0);
    const info = { size, totalElements: all.length, totalPages: Math.ceil(all.length / size), number };
    if (all.length === 0 && omitEmpty) return { page: info };
    return { content: all.slice(number * size, number * size + size), page: info };
  };
  const q = (req: { query: unknown }) => req.query as Record<string, string>;
  app.get('/v1/companies', async (req) => page(s.data.companies, q(req)));
  app.get('/v1/products', async (req) => page(s.data.products, q(req)));
  app.get('/v1/products/:id/pricing', async (req) => ({
    content: s.data.pricing.get((req.params as { id: string }).id) ?? [],
  }));
  app.get('/v1/subscriptions', async (req) => page(s.data.subscriptions, q(req)));
  app.get('/v1/subscriptions/:id', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const sub = s.data.detail.get(id);
    if (!sub)
      return reply
        .code(404)
        .send(errorBody(404, 'NOT_FOUND', 'Subscription Not Found', `/v1/subscriptions/${id}`));
    return sub;
  });
  app.get('/v1/subscriptions/:id/history', async (req) => ({
    content: s.data.history.get((req.params as { id: string }).id) ?? [],
  }));
  app.get('/v1/invoices', async (req) => page(s.data.invoices, q(req), true));
  app.get('/v1/invoices/:id/items', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const items = s.data.items.get(id);
    if (!items)
      return reply
        .code(404)
        .send(errorBody(404, 'NOT_FOUND', 'Invalid invoice id', `/v1/invoices/${id}/items`));
    return page(items, q(req));
  });
  s.base = await app.listen({ port: 0, host: '127.0.0.1' });
  return s;
}

function client(s: Stub, over: Partial<Pax8Connection> = {}) {
  let nowMs = Date.parse('2026-04-06T09:00:00Z');
  const slept: number[] = [];
  const connection: Pax8Connection = {
    apiUrl: `${s.base}/v1`,
    tokenUrl: `${s.base}/v1/token`,
    audience: 'https://api.pax8.com',
    clientId: 'client',
    clientSecret: SECRET,
    ...over,
  };
  const c = createPax8Client({
    connection,
    http: {
      allowLocalUrls: true,
      sleep: async (ms) => void slept.push(ms),
      random: () => 0,
      timeoutMs: 5000,
    },
    now: () => nowMs,
  });
  return { c, slept, advance: (ms: number) => (nowMs += ms) };
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
}

const companies = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `3d0617ac-57f6-40e3-951d-${String(i).padStart(12, '0')}`,
    name: `Company ${i}`,
  }));

const HOUR = 3_600_000;

describe('Pax8 client', () => {
  it('reads every page (size 200) and stops by page.totalPages', async () => {
    stub = await startStub({ companies: companies(450) });
    const { c } = client(stub);
    const got = await all(c.listCompanies());
    expect(got.map((x) => x.name)).toEqual(companies(450).map((x) => x.name));
    expect(stub.requests.filter((r) => r.url.startsWith('/v1/companies')).map((r) => r.url)).toEqual([
      '/v1/companies?page=0&size=200',
      '/v1/companies?page=1&size=200',
      '/v1/companies?page=2&size=200',
    ]);
  });

  it('reads an empty invoice list that has no content', async () => {
    stub = await startStub();
    const { c } = client(stub);
    expect(await all(c.listInvoices())).toEqual([]);
    expect(stub.requests.filter((r) => r.url.startsWith('/v1/invoices')).length).toBe(1);
  });

  it('caches the token until shortly before its 24 h expiry, then gets a new one', async () => {
    stub = await startStub({ companies: companies(3) });
    const { c, advance } = client(stub);
    await all(c.listCompanies());
    await all(c.listCompanies());
    advance(23 * HOUR);
    await all(c.listCompanies());
    expect(stub.tokens).toEqual(['tok-1']);
    advance(55 * 60_000);
    await all(c.listCompanies());
    expect(stub.tokens).toEqual(['tok-1', 'tok-2']);
    expect(stub.requests.filter((r) => r.url === '/v1/token').length).toBe(2);
  });

  it('a refused token is renewed once; a second refusal is an auth error saying what to check', async () => {
    stub = await startStub({ companies: companies(3) });
    const { c } = client(stub);
    await all(c.listCompanies());
    stub.revoked.add('tok-1');
    expect((await all(c.listCompanies())).length).toBe(3);
    expect(stub.tokens).toEqual(['tok-1', 'tok-2']);
    stub.faults.set('/v1/companies', [
      { status: 401, body: errorBody(401, 'UNAUTHORIZED', 'No valid API key provided', '/v1/companies') },
      { status: 401, body: errorBody(401, 'UNAUTHORIZED', 'No valid API key provided', '/v1/companies') },
    ]);
    const error = await all(c.listCompanies()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrationError);
    expect(error).toMatchObject({ kind: 'auth', vendor: 'pax8', status: 401 });
    expect((error as Error).message).toMatch(/Pax8 refused the access token; check the client id and secret/);
    expect(stub.tokens).toHaveLength(3);
  });

  it('wrong credentials: an auth error naming what to check, and the secret nowhere in it', async () => {
    stub = await startStub({ companies: companies(1) });
    const { c } = client(stub, { clientSecret: 'wrong-secret' });
    const error = (await c.check().catch((e: unknown) => e)) as IntegrationError;
    expect(error).toBeInstanceOf(IntegrationError);
    expect(error.kind).toBe('auth');
    expect(error.message).toBe(
      'Pax8 refused the sign-in (access_denied: Unauthorized): check the client id and secret of the Pax8 API credentials (Pax8 portal: Integrations, API credentials; a Partner Admin creates them) and that they are partner credentials for the audience https://api.pax8.com',
    );
    expect(JSON.stringify(error.toJSON())).not.toContain('wrong-secret');
  });

  it('retries 429 (honouring Retry-After) and 5xx by the shared retry policy', async () => {
    stub = await startStub({ companies: companies(2) });
    const { c, slept } = client(stub);
    stub.faults.set('/v1/companies', [
      {
        status: 429,
        headers: { 'retry-after': '2' },
        body: errorBody(429, 'TOO_MANY_REQUESTS', 'Too many requests', '/v1/companies'),
      },
      { status: 503, body: { message: 'down' } },
    ]);
    expect((await all(c.listCompanies())).length).toBe(2);
    expect(slept).toEqual([2000, 500]);
    expect(stub.requests.filter((r) => r.url.startsWith('/v1/companies')).length).toBe(3);
  });

  it('gives up after the policy attempts with a rate-limited error, and maps Pax8 error bodies', async () => {
    stub = await startStub({ companies: companies(2) });
    const { c } = client(stub);
    stub.faults.set(
      '/v1/companies',
      Array.from({ length: 4 }, () => ({ status: 429, body: {} })),
    );
    await expect(all(c.listCompanies())).rejects.toMatchObject({ kind: 'rate_limited', retryable: true });
    const notFound = (await all(c.listInvoiceItems('nope')).catch((e: unknown) => e)) as IntegrationError;
    expect(notFound).toMatchObject({
      kind: 'not_found',
      status: 404,
      vendorMessages: ['Invalid invoice id'],
    });
    expect(notFound.message).toMatch(
      /\/v1\/invoices\/nope\/items\?page=0&size=200: HTTP 404: Invalid invoice id$/,
    );
  });
});

describe('pullPax8', () => {
  it('normalizes a partner: customers, price list, live invoices, a credited one withdrawn, Azure and the cross-check', async () => {
    const CREDITED = '90000000-0000-4000-8000-000000000001';
    const CORRECTED = '90000000-0000-4000-8000-000000000002';
    const MARCH = '90000000-0000-4000-8000-000000000000';
    const OLD_SUB = 'c5e82a19-6f3b-4c7d-8e90-000000000777';
    const april = [
      item({ startPeriod: '2026-04-01', endPeriod: '2026-04-30', quantity: 12, costTotal: '240.000' }),
      item({
        type: 'prorate',
        startPeriod: '2026-03-15',
        endPeriod: '2026-03-31',
        quantity: 2,
        costTotal: cents((2 * 20 * 17) / 31),
      }),
      item({
        term: 'Arrears',
        productName: 'Microsoft Azure',
        description: 'Azure plan',
        subscriptionId: null,
        productId: null,
        quantity: 1,
        cost: '86.456',
        costTotal: '86.456',
        startPeriod: '2026-03-01',
        endPeriod: '2026-03-31',
      }),
    ];
    stub = await startStub({
      companies: [{ id: COMPANY.toUpperCase(), name: 'Contoso Dental', website: 'www.contosodental.com' }],
      products: [
        { id: PRODUCT, name: 'Microsoft 365 Business Premium', sku: 'MST-M365-BP', vendorName: 'Microsoft' },
      ],
      pricing: new Map([
        [
          PRODUCT,
          [
            {
              billingTerm: 'Monthly',
              commitmentTerm: null,
              rates: [{ partnerBuyRate: 20, suggestedRetailPrice: 22 }],
            },
          ],
        ],
      ]),
      subscriptions: [
        {
          id: SUB,
          companyId: COMPANY,
          productId: PRODUCT,
          quantity: 12,
          billingTerm: 'Monthly',
          commitmentTerm: null,
          status: 'Active',
          currencyCode: 'USD',
        },
      ],
      history: new Map([
        [
          SUB,
          [
            { id: SUB, quantity: 12, updatedDate: '2026-03-15T08:00:00-0600' },
            { id: SUB, quantity: 9, updatedDate: '2026-03-01' },
          ],
        ],
      ]),
      detail: new Map([
        [
          OLD_SUB,
          {
            id: OLD_SUB,
            billingTerm: 'Monthly',
            commitmentTerm: { term: '1-Year' },
            status: 'Cancelled',
            endDate: '2026-03-31',
          },
        ],
      ]),
      invoices: [
        invoice(CREDITED, '2026-04-01', 'Credited'),
        invoice(MARCH, '2026-03-01', 'Paid'),
        invoice(CORRECTED, '2026-04-18', 'Unpaid'),
      ],
      items: new Map([
        [MARCH, [item({}), item({ subscriptionId: OLD_SUB, quantity: 1, costTotal: 20 })]],
        [CREDITED, april.slice(0, 1)],
        [CORRECTED, april],
      ]),
    });
    const { c } = client(stub);
    const progress: string[] = [];
    const r = await pullPax8(c, {
      priceListFrom: '2026-01-01' as PlainDate,
      onProgress: (m) => progress.push(m),
    });
    expect(r.errors).toEqual([]);
    expect(r.customers).toEqual([
      { tenantId: COMPANY, name: 'Contoso Dental', defaultDomain: 'contosodental.com' },
    ]);
    expect(r.priceList.map((e) => [e.offer.productId, e.cost.toString(), e.retail.toString()])).toEqual([
      ['MST-M365-BP', '20', '22'],
    ]);
    expect(r.invoices.map((i) => [i.header.id, i.header.billingPeriod, i.lines.length])).toEqual([
      [MARCH, '2026-02', 2],
      [CORRECTED, '2026-03', 3],
    ]);
    expect(r.withdrawn).toEqual([{ id: CREDITED, billingPeriod: '2026-03', status: 'Credited' }]);
    expect(r.azure.map((a) => [a.customerTenantId, a.billingPeriod, a.cost.toString()])).toEqual([
      [COMPANY, '2026-03', '86.456'],
    ]);
    expect(r.disagreements.map((d) => d.text)).toEqual([
      `Pax8 subscription ${SUB}: the invoices bill 10 seats from 01 Mar 2026 to 14 Mar 2026, its history says 9`,
    ]);
    expect(r.currency).toBe('USD');
    // A subscription the list left out is read by id: its commitment makes its line P1Y billed monthly.
    expect(r.invoices[0]!.lines.map((l) => [l.subscriptionId, l.offer.term, l.offer.billingPlan])).toEqual([
      [SUB, 'P1M', 'Monthly'],
      [OLD_SUB, 'P1Y', 'Monthly'],
    ]);
    expect(r.subscriptions.map((s) => s.id)).toEqual([SUB, OLD_SUB]);
    expect(progress.some((p) => /withdrawn/.test(p))).toBe(true);
  });

  it('reads the detail of a listed subscription whose term the list leaves out when the product has two', async () => {
    const rows = (commitmentTerm: string | null, cost: number) => ({
      billingTerm: 'Monthly',
      commitmentTerm,
      rates: [{ partnerBuyRate: cost, suggestedRetailPrice: cost + 2 }],
    });
    const listed = { id: SUB, companyId: COMPANY, productId: PRODUCT, quantity: 10, billingTerm: 'Monthly' };
    stub = await startStub({
      companies: [{ id: COMPANY, name: 'Contoso Dental' }],
      products: [{ id: PRODUCT, name: 'Business Premium', sku: 'MST-M365-BP', vendorName: 'Microsoft' }],
      pricing: new Map([[PRODUCT, [rows(null, 20), rows('1-Year', 18)]]]),
      // As the list example shows it: no commitmentTerm (pax8-api.md 2.4); the detail has it.
      subscriptions: [listed],
      detail: new Map([[SUB, { ...listed, commitmentTerm: { term: '1-Year', endDate: '2026-12-31' } }]]),
      invoices: [invoice('90000000-0000-4000-8000-000000000000', '2026-03-01', 'Paid')],
      items: new Map([['90000000-0000-4000-8000-000000000000', [item({ quantity: 10, costTotal: 180 })]]]),
    });
    const r = await pullPax8(client(stub).c, { priceListFrom: '2026-01-01' as PlainDate, crossCheck: false });
    expect(r.errors).toEqual([]);
    expect(r.invoices[0]!.lines.map((l) => [l.offer.term, l.offer.billingPlan])).toEqual([
      ['P1Y', 'Monthly'],
    ]);
    expect(stub.requests.filter((q) => q.url.startsWith(`/v1/subscriptions/${SUB}`)).length).toBe(1);
  });
});
