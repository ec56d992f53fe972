/**
 * The Pax8 Partner API surface billing needs (`/v1`, bearer auth), read side: companies, products and pricing,
 * subscriptions and their history, invoices and items, draft items, usage summaries and lines.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDate, pathOf } from '../../kit';
import { draftItemsAsOf, invoicesAsOf, knownOn } from '../billing/invoices';
import {
  companyView,
  historyView,
  pricingView,
  productView,
  subscriptionView,
  usageLineView,
  usageSummaries,
} from '../billing/views';
import { sendError } from './errors';
import type { Pax8Ctx } from './state';

export const MAX_PAGE_SIZE = 200;
const DEFAULT_PAGE_SIZE = 10;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Query = Record<string, string | undefined>;
type Req = FastifyRequest<{ Querystring: Query; Params: Record<string, string> }>;

/** `page`/`size` from the query (§1.4 DOC: page from 0, default size 10, max 200), or an error sent. */
function paging(ctx: Pax8Ctx, request: Req, reply: FastifyReply): { page: number; size: number } | undefined {
  const { page: pageText, size: sizeText } = request.query;
  const page = pageText === undefined ? 0 : Number(pageText);
  let size = sizeText === undefined ? DEFAULT_PAGE_SIZE : Number(sizeText);
  if (!Number.isInteger(page) || page < 0 || pageText === '') {
    sendError(reply, request, 400, 'BAD_REQUEST', `Invalid value for parameter page: ${pageText}`);
    return undefined;
  }
  if (!Number.isInteger(size) || size < 1 || sizeText === '') {
    sendError(reply, request, 400, 'BAD_REQUEST', `Invalid value for parameter size: ${sizeText}`);
    return undefined;
  }
  if (size > MAX_PAGE_SIZE) {
    if (ctx.rules.oversize === 'reject') {
      sendError(reply, request, 400, 'BAD_REQUEST', `The maximum page size is ${MAX_PAGE_SIZE}`);
      return undefined;
    }
    size = MAX_PAGE_SIZE;
  }
  return { page, size };
}

/** The Spring-style list envelope; `omitEmptyContent` drops `content` when there are no results (invoices). */
function pageOf<T>(rows: T[], p: { page: number; size: number }, omitEmptyContent = false) {
  const content = rows.slice(p.page * p.size, (p.page + 1) * p.size);
  const page = {
    size: p.size,
    totalElements: rows.length,
    totalPages: Math.ceil(rows.length / p.size),
    number: p.page,
  };
  return omitEmptyContent && rows.length === 0 ? { page } : { content, page };
}

/** `sort=field,dir` on the allowed fields; unknown fields are ignored. */
function sorted<T extends object>(
  rows: T[],
  sort: string | undefined,
  fields: Record<string, (r: T) => string | number>,
): T[] {
  if (!sort) return rows;
  const [field = '', dir = 'asc'] = sort.split(',');
  const key = fields[field];
  if (!key) return rows;
  const factor = dir.toLowerCase() === 'desc' ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return (x < y ? -1 : x > y ? 1 : 0) * factor;
  });
}

const boolMatches = (value: string | undefined, actual: unknown) =>
  value === undefined || String(actual) === value;
const textMatches = (value: string | undefined, actual: unknown) =>
  value === undefined || String(actual ?? '').toLowerCase() === value.toLowerCase();

function badId(request: Req, reply: FastifyReply, name: string): boolean {
  const id = request.params[name] ?? '';
  if (UUID_RE.test(id)) return false;
  sendError(reply, request, 400, 'BAD_REQUEST', `Invalid ${name}: ${id}`);
  return true;
}

export function registerApiRoutes(app: FastifyInstance, getCtx: () => Pax8Ctx) {
  const today = () => getCtx().clock.today();
  const known = () => knownOn(getCtx().seed, today());

  app.get('/v1/companies', async (request: Req, reply) => {
    const ctx = getCtx();
    const p = paging(ctx, request, reply);
    if (!p) return reply;
    const q = request.query;
    const rows = ctx.seed.companies.filter(
      (c) =>
        textMatches(q.city, c.address.city) &&
        textMatches(q.country, c.address.country) &&
        textMatches(q.stateOrProvince, c.address.stateOrProvince) &&
        textMatches(q.postalCode, c.address.postalCode) &&
        textMatches(q.status, c.status) &&
        boolMatches(q.selfServiceAllowed, c.selfServiceAllowed) &&
        boolMatches(q.billOnBehalfOfEnabled, c.billOnBehalfOfEnabled) &&
        boolMatches(q.orderApprovalRequired, c.orderApprovalRequired),
    );
    const ordered = sorted(
      rows.map((c) => ({ c, name: c.name, ...c.address })),
      q.sort,
      {
        name: (r) => r.name,
        city: (r) => r.city,
        country: (r) => r.country,
        stateOrProvince: (r) => r.stateOrProvince,
        postalCode: (r) => r.postalCode,
      },
    );
    return pageOf(
      ordered.map((r) => companyView(r.c, false)),
      p,
    );
  });

  app.get('/v1/companies/:companyId', async (request: Req, reply) => {
    if (badId(request, reply, 'companyId')) return reply;
    const company = getCtx().seed.companies.find((c) => c.id === request.params.companyId);
    if (!company)
      return sendError(reply, request, 404, 'NOT_FOUND', `Company Not Found: ${request.params.companyId}`);
    return companyView(company, true);
  });

  app.get('/v1/products', async (request: Req, reply) => {
    const ctx = getCtx();
    const p = paging(ctx, request, reply);
    if (!p) return reply;
    const { search, vendorName, sort } = request.query;
    const needle = search?.toLowerCase();
    const rows = ctx.seed.products.filter(
      (x) =>
        textMatches(vendorName, x.vendorName) &&
        (needle === undefined ||
          [x.name, x.vendorName, x.sku, x.id].some((v) => v.toLowerCase().includes(needle))),
    );
    const ordered = sorted(
      rows.map((x) => ({ x, name: x.name, vendor: x.vendorName })),
      sort,
      {
        name: (r) => r.name,
        vendor: (r) => r.vendor,
      },
    );
    return pageOf(
      ordered.map((r) => productView(r.x, false)),
      p,
    );
  });

  const findProduct = (request: Req, reply: FastifyReply) => {
    if (badId(request, reply, 'productId')) return undefined;
    const product = getCtx().seed.products.find((x) => x.id === request.params.productId);
    if (!product)
      sendError(reply, request, 404, 'NOT_FOUND', `Product Not Found: ${request.params.productId}`);
    return product;
  };

  app.get('/v1/products/:productId', async (request: Req, reply) => {
    const product = findProduct(request, reply);
    return product ? productView(product, true) : reply;
  });

  // No `page` on pricing (§1.4 DOC). `companyId` (company pricing) is accepted; the demo has no overrides.
  app.get('/v1/products/:productId/pricing', async (request: Req, reply) => {
    const product = findProduct(request, reply);
    if (!product) return reply;
    const { companyId } = request.query;
    if (companyId !== undefined && !getCtx().seed.companies.some((c) => c.id === companyId))
      return sendError(reply, request, 404, 'NOT_FOUND', `Company Not Found: ${companyId}`);
    return { content: pricingView(product) };
  });

  app.get('/v1/subscriptions', async (request: Req, reply) => {
    const ctx = getCtx();
    const p = paging(ctx, request, reply);
    if (!p) return reply;
    const q = request.query;
    // A company that is not the partner's: 403 "Invalid companyId" (§1.6 DOC).
    if (q.companyId !== undefined && !ctx.seed.companies.some((c) => c.id === q.companyId))
      return sendError(reply, request, 403, 'FORBIDDEN', 'Invalid companyId');
    const seed = known();
    const views = seed.subscriptions
      .filter(
        (s) =>
          (q.companyId === undefined || s.companyId === q.companyId) &&
          (q.productId === undefined || s.productId === q.productId),
      )
      .map((s) => subscriptionView(seed, ctx.rules, s, today(), false))
      .filter((v) => textMatches(q.status, v.status) && textMatches(q.billingTerm, v.billingTerm));
    const ordered = sorted(views, q.sort, {
      quantity: (v) => v.quantity as number,
      startDate: (v) => String(v.billingStart),
      endDate: (v) => String(v.endDate ?? ''),
      createdDate: (v) => String(v.createdDate),
      billingStart: (v) => String(v.billingStart),
      price: (v) => v.price as number,
    });
    return pageOf(ordered, p);
  });

  const findSubscription = (request: Req, reply: FastifyReply) => {
    if (badId(request, reply, 'subscriptionId')) return undefined;
    const sub = known().subscriptions.find((s) => s.id === request.params.subscriptionId);
    if (!sub)
      sendError(reply, request, 404, 'NOT_FOUND', `Subscription Not Found: ${request.params.subscriptionId}`);
    return sub;
  };

  app.get('/v1/subscriptions/:subscriptionId', async (request: Req, reply) => {
    const sub = findSubscription(request, reply);
    return sub ? subscriptionView(known(), getCtx().rules, sub, today(), true) : reply;
  });

  // Full snapshots, `{content}` without `page` (§1.4, §2.4 DOC).
  app.get('/v1/subscriptions/:subscriptionId/history', async (request: Req, reply) => {
    const sub = findSubscription(request, reply);
    return sub ? { content: historyView(known(), getCtx().rules, sub, today()) } : reply;
  });

  app.get('/v1/subscriptions/:subscriptionId/usage-summaries', async (request: Req, reply) => {
    const ctx = getCtx();
    const sub = findSubscription(request, reply);
    if (!sub) return reply;
    const p = paging(ctx, request, reply);
    if (!p) return reply;
    const { resourceGroup, companyId, sort } = request.query;
    const rows = usageSummaries(ctx.seed, today())
      .filter((s) => s.subscriptionId === sub.id)
      .filter(
        (s) =>
          textMatches(resourceGroup, s.resourceGroup) &&
          (companyId === undefined || s.companyId === companyId),
      )
      .map(({ meters: _m, ...view }) => view);
    const ordered = sorted(rows, sort, {
      resourceGroup: (s) => s.resourceGroup,
      currentCharges: (s) => s.currentCharges,
      partnerTotal: (s) => s.partnerTotal,
    });
    return pageOf(ordered, p);
  });

  const findSummary = (request: Req, reply: FastifyReply) => {
    if (badId(request, reply, 'usageSummaryId')) return undefined;
    const summary = usageSummaries(getCtx().seed, today()).find(
      (s) => s.id === request.params.usageSummaryId,
    );
    if (!summary)
      sendError(
        reply,
        request,
        404,
        'NOT_FOUND',
        `Usage Summary Not Found: ${request.params.usageSummaryId}`,
      );
    return summary;
  };

  app.get('/v1/usage-summaries/:usageSummaryId', async (request: Req, reply) => {
    const summary = findSummary(request, reply);
    if (!summary) return reply;
    const { meters: _m, ...view } = summary;
    return view;
  });

  // Daily lines; `usageDate` is required (§1.5 DOC; the status of a missing one is unknown: 400 here).
  app.get('/v1/usage-summaries/:usageSummaryId/usage-lines', async (request: Req, reply) => {
    const ctx = getCtx();
    const summary = findSummary(request, reply);
    if (!summary) return reply;
    const { usageDate, productId } = request.query;
    if (usageDate === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(usageDate) || !isDate(usageDate))
      return sendError(
        reply,
        request,
        400,
        'BAD_REQUEST',
        'Required parameter usageDate (yyyy-MM-dd) is missing or invalid',
      );
    const p = paging(ctx, request, reply);
    if (!p) return reply;
    const lines =
      usageDate.slice(0, 7) === today().slice(0, 7) && usageDate < today()
        ? summary.meters.map((m) => usageLineView(m, summary.id, usageDate, ctx.seed))
        : [];
    return pageOf(
      lines.filter((l) => productId === undefined || l.productId === productId),
      p,
    );
  });

  app.get('/v1/invoices', async (request: Req, reply) => {
    const ctx = getCtx();
    const p = paging(ctx, request, reply);
    if (!p) return reply;
    const q = request.query;
    if (q.companyId !== undefined && !ctx.seed.companies.some((c) => c.id === q.companyId))
      return sendError(reply, request, 404, 'NOT_FOUND', 'Invalid companyId or productId');
    for (const name of ['invoiceDate', 'invoiceDateRangeStart', 'invoiceDateRangeEnd', 'dueDate'] as const) {
      const v = q[name];
      if (v !== undefined && !(/^\d{4}-\d{2}-\d{2}$/.test(v) && isDate(v)))
        return sendError(reply, request, 400, 'BAD_REQUEST', `Invalid value for parameter ${name}: ${v}`);
    }
    const rows = invoicesAsOf(ctx.seed, ctx.rules, today())
      .map((d) => d.invoice)
      .filter(
        (i) =>
          // Partner invoices carry no companyId (§2.6): a company filter finds none of them.
          q.companyId === undefined &&
          textMatches(q.status, i.status) &&
          (q.invoiceDate === undefined || i.invoiceDate === q.invoiceDate) &&
          (q.invoiceDateRangeStart === undefined || i.invoiceDate >= q.invoiceDateRangeStart) &&
          (q.invoiceDateRangeEnd === undefined || i.invoiceDate <= q.invoiceDateRangeEnd) &&
          (q.dueDate === undefined || i.dueDate === q.dueDate) &&
          (q.total === undefined || i.total === Number(q.total)) &&
          (q.balance === undefined || i.balance === Number(q.balance)),
      );
    // Default order: newest first (undocumented; the emulator's choice).
    const ordered = sorted(rows.reverse(), q.sort, {
      invoiceDate: (i) => i.invoiceDate,
      dueDate: (i) => i.dueDate,
      status: (i) => i.status,
      partnerName: (i) => i.partnerName,
      total: (i) => i.total,
      balance: (i) => i.balance,
      carriedBalance: (i) => i.carriedBalance,
    });
    return pageOf(ordered, p, ctx.rules.emptyInvoiceList === 'omit-content');
  });

  app.get('/v1/invoices/draftItems', async (request: Req, reply) => {
    const ctx = getCtx();
    const p = paging(ctx, request, reply);
    if (!p) return reply;
    const { monthOffset = '1', companyId } = request.query;
    if (monthOffset !== '0' && monthOffset !== '1')
      return sendError(reply, request, 422, 'UNPROCESSABLE_ENTITY', 'Invalid monthOffset value');
    if (companyId !== undefined && !ctx.seed.companies.some((c) => c.id === companyId))
      return sendError(reply, request, 404, 'NOT_FOUND', `Company Not Found: ${companyId}`);
    const items = draftItemsAsOf(ctx.seed, ctx.rules, today(), Number(monthOffset)).filter(
      (i) => companyId === undefined || i.companyId === companyId,
    );
    return pageOf(items, p);
  });

  const findInvoice = (request: Req, reply: FastifyReply) => {
    if (badId(request, reply, 'invoiceId')) return undefined;
    const ctx = getCtx();
    const found = invoicesAsOf(ctx.seed, ctx.rules, today()).find(
      (d) => d.invoice.id === request.params.invoiceId,
    );
    if (!found) sendError(reply, request, 404, 'NOT_FOUND', 'Invalid invoice id');
    return found;
  };

  app.get('/v1/invoices/:invoiceId', async (request: Req, reply) => {
    const found = findInvoice(request, reply);
    return found ? found.invoice : reply;
  });

  app.get('/v1/invoices/:invoiceId/items', async (request: Req, reply) => {
    const found = findInvoice(request, reply);
    if (!found) return reply;
    const p = paging(getCtx(), request, reply);
    return p ? pageOf(found.items, p) : reply;
  });
}

export const isApiPath = (url: string) =>
  /^\/v1\//i.test(pathOf(url)) && !/^\/v1\/token\/?$/i.test(pathOf(url));
