import { IntegrationError } from '../../core/integration-error';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../../http';
import type { Pax8Connection } from './connection';
import { pax8ErrorMapper } from './error-mapper';
import { createPax8TokenProvider, type Pax8TokenProvider } from './token-provider';
import {
  companySchema,
  invoiceItemSchema,
  invoiceSchema,
  listSchema,
  pricingSchema,
  productSchema,
  subscriptionSchema,
  usageSummarySchema,
  type WireCompany,
  type WireInvoice,
  type WireInvoiceItem,
  type WirePricing,
  type WireProduct,
  type WireSubscription,
  type WireUsageSummary,
} from './wire-types';
import { parseJsonLossless, protocol, VENDOR } from './wire-values';

/** Pax8's maximum page size (pax8-api.md 1.4). */
export const PAX8_PAGE_SIZE = 200;
/** A list never has more pages than this: a server that keeps answering is stopped instead of looping. */
const MAX_PAGES = 10_000;

export interface Pax8ClientOptions {
  connection: Pax8Connection;
  /** HTTP settings for the shared client (timeouts, retries, concurrency; sleep/random/now in tests). */
  http?: Omit<HttpClientOptions, 'vendor' | 'mapError' | 'baseUrl'>;
  /** Clock of the token cache (ms). Default Date.now. */
  now?: () => number;
  /** Page size (default and maximum 200). */
  pageSize?: number;
}

export interface Pax8Client {
  readonly tokens: Pax8TokenProvider;
  listCompanies(): AsyncIterable<WireCompany>;
  listProducts(query?: { vendorName?: string }): AsyncIterable<WireProduct>;
  getPricing(productId: string): Promise<WirePricing[]>;
  listSubscriptions(query?: { companyId?: string }): AsyncIterable<WireSubscription>;
  getSubscription(subscriptionId: string): Promise<WireSubscription>;
  getSubscriptionHistory(subscriptionId: string): Promise<WireSubscription[]>;
  listInvoices(query?: { invoiceDateRangeStart?: string }): AsyncIterable<WireInvoice>;
  listInvoiceItems(invoiceId: string): AsyncIterable<WireInvoiceItem>;
  listUsageSummaries(subscriptionId: string): AsyncIterable<WireUsageSummary>;
  /** One cheap authenticated call (a token and the first company): the connection's Test. */
  check(): Promise<void>;
}

type Query = Record<string, string | number | undefined>;

/**
 * Pax8 Partner API client (pax8-api.md 1): client-credentials token cached for its day (a 401 renews it once),
 * page-number paging through every page (`page` from 0, size 200, stop by `page.totalPages`; an empty invoice
 * list comes without `content`), retries on 429 and 5xx by the shared HTTP client's policy, exact numbers
 * (lossless JSON), and every failure as an IntegrationError of vendor `pax8`.
 */
export function createPax8Client(options: Pax8ClientOptions): Pax8Client {
  const conn = options.connection;
  const now = options.now ?? Date.now;
  const size = Math.min(PAX8_PAGE_SIZE, Math.max(1, options.pageSize ?? PAX8_PAGE_SIZE));
  const http: HttpClient = createHttpClient({
    ...options.http,
    vendor: VENDOR,
    mapError: pax8ErrorMapper({ tokenUrl: conn.tokenUrl }),
    secretParams: ['client_secret'],
    secretValues: () => [conn.clientSecret],
  });
  const tokens = createPax8TokenProvider(conn, http, now);
  const url = (path: string) => `${conn.apiUrl}${path}`;

  /** GET with a bearer token; a 401 drops the cached token and tries once more with a fresh one. */
  async function getJson(path: string, query: Query = {}): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      const token = await tokens.token();
      try {
        const res = await http.request({
          method: 'GET',
          url: url(path),
          query,
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        });
        if (res.text.trim() === '') return {};
        try {
          return parseJsonLossless(res.text);
        } catch {
          throw protocol(`GET ${url(path)}: the answer is not JSON`);
        }
      } catch (error) {
        if (attempt === 1 && error instanceof IntegrationError && error.status === 401) {
          tokens.invalidate();
          continue;
        }
        throw error;
      }
    }
  }

  function list(json: unknown, what: string) {
    const parsed = listSchema.safeParse(json);
    if (!parsed.success) throw protocol(`${what}: not a Pax8 list ({content, page})`);
    return parsed.data;
  }

  /** Every item of a paged list, page by page. */
  async function* paged(path: string, query: Query, what: string): AsyncGenerator<Record<string, unknown>> {
    let seen = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = list(await getJson(path, { ...query, page, size }), what);
      const content = body.content ?? [];
      yield* content;
      seen += content.length;
      const info = body.page;
      const totalPages = info?.totalPages == null ? undefined : Number(info.totalPages);
      const totalElements = info?.totalElements == null ? undefined : Number(info.totalElements);
      const number = info?.number == null ? page : Number(info.number);
      if (content.length === 0) return;
      if (totalPages !== undefined && Number.isFinite(totalPages)) {
        if (number + 1 >= totalPages) return;
      } else if (totalElements !== undefined && Number.isFinite(totalElements)) {
        if (seen >= totalElements) return;
      } else if (content.length < size) return;
    }
    throw protocol(`${what}: more than ${MAX_PAGES} pages`);
  }

  const parseWith =
    <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, what: string) =>
    (item: unknown): T => {
      const r = schema.safeParse(item);
      if (!r.success) throw protocol(`${what}: an item billsync cannot read`);
      return r.data;
    };

  async function* typed<T>(items: AsyncIterable<Record<string, unknown>>, parse: (v: unknown) => T) {
    for await (const item of items) yield parse(item);
  }

  const unpaged = async <T>(path: string, what: string, parse: (v: unknown) => T): Promise<T[]> => {
    const body = list(await getJson(path), what);
    return (body.content ?? []).map(parse);
  };

  const id = (v: string) => encodeURIComponent(v);

  return {
    tokens,
    listCompanies() {
      return typed(paged('/companies', {}, 'companies'), parseWith(companySchema, 'companies'));
    },
    listProducts(query = {}) {
      return typed(
        paged('/products', { vendorName: query.vendorName }, 'products'),
        parseWith(productSchema, 'products'),
      );
    },
    getPricing(productId) {
      return unpaged(
        `/products/${id(productId)}/pricing`,
        `product ${productId} pricing`,
        parseWith(pricingSchema, 'pricing'),
      );
    },
    listSubscriptions(query = {}) {
      return typed(
        paged('/subscriptions', { companyId: query.companyId }, 'subscriptions'),
        parseWith(subscriptionSchema, 'subscriptions'),
      );
    },
    async getSubscription(subscriptionId) {
      return parseWith(
        subscriptionSchema,
        `subscription ${subscriptionId}`,
      )(await getJson(`/subscriptions/${id(subscriptionId)}`));
    },
    getSubscriptionHistory(subscriptionId) {
      return unpaged(
        `/subscriptions/${id(subscriptionId)}/history`,
        `subscription ${subscriptionId} history`,
        parseWith(subscriptionSchema, 'subscription history'),
      );
    },
    listInvoices(query = {}) {
      return typed(
        paged('/invoices', { invoiceDateRangeStart: query.invoiceDateRangeStart }, 'invoices'),
        parseWith(invoiceSchema, 'invoices'),
      );
    },
    listInvoiceItems(invoiceId) {
      return typed(
        paged(`/invoices/${id(invoiceId)}/items`, {}, `invoice ${invoiceId} items`),
        parseWith(invoiceItemSchema, `invoice ${invoiceId} items`),
      );
    },
    listUsageSummaries(subscriptionId) {
      return typed(
        paged(
          `/subscriptions/${id(subscriptionId)}/usage-summaries`,
          {},
          `subscription ${subscriptionId} usage summaries`,
        ),
        parseWith(usageSummarySchema, 'usage summaries'),
      );
    },
    async check() {
      await getJson('/companies', { page: 0, size: 1 });
    },
  };
}
