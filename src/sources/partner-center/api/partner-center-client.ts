import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { IntegrationError } from '../../../core/integration-error';
import type {
  AzureUsageLine,
  InvoiceHeader,
  InvoiceLine,
  PriceListEntry,
  SourceCustomer,
} from '../../../core/model/source';
import type { BillingPeriod } from '../../../core/time';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../../../http';
import { parsePriceListFile, type SkippedRow } from '../files/price-list-file';
import { AUDIENCE, type Audience, type PartnerCenterConnection } from './connection';
import { partnerCenterErrorMapper, VENDOR } from './error-mapper';
import { parseJsonLossless } from './lossless-json';
import { invoiceLineFromWire, usageLineFromWire } from './map-lines';
import { customerFromWire, invoiceHeaderFromWire, isSyncableInvoice } from './map-wire';
import { createTokenProvider } from './token-provider';
import {
  collectionSchema,
  customerSchema,
  invoiceSchema,
  type WireCollection,
  type WireInvoice,
} from './wire-types';

/** Line items per page: Partner Center's maximum (and default). */
export const LINE_ITEM_PAGE_SIZE = 2000;

export interface PartnerCenterClientOptions {
  connection: PartnerCenterConnection;
  /** HTTP settings passed to the shared client (timeouts, retries, concurrency; sleep/random/now in tests). */
  http?: Omit<HttpClientOptions, 'vendor' | 'mapError' | 'baseUrl'>;
  /** Clock of the token cache (ms). Default Date.now. */
  now?: () => number;
  /** Page sizes (tests use small ones). */
  pageSize?: { customers?: number; invoices?: number; lineItems?: number };
  /** Called with the new refresh token Entra ID sends when the client redeems the stored one (store it). */
  onRefreshToken?: (refreshToken: string) => void | Promise<void>;
}

export interface PartnerCenterClient {
  listCustomers(): AsyncIterable<SourceCustomer>;
  /** Regular modern invoices (credit notes and legacy invoices skipped), optionally from a billing period on. */
  listInvoices(query?: { since?: BillingPeriod }): AsyncIterable<InvoiceHeader>;
  getInvoice(id: string): Promise<InvoiceHeader>;
  /** The NCE reconciliation line items of an invoice (`provider=onetime&invoicelineitemtype=billinglineitems`). */
  listInvoiceLines(invoice: Pick<InvoiceHeader, 'id' | 'currency'>): AsyncIterable<InvoiceLine>;
  /** The Azure plan daily-rated usage of an invoice (`invoicelineitemtype=usagelineitems`). */
  listUsageLines(invoice: Pick<InvoiceHeader, 'id' | 'currency'>): AsyncIterable<AzureUsageLine>;
  /** The license-based price sheet of a market as the CSV stream Microsoft sends. */
  downloadPriceSheet(market: string): Promise<Readable>;
  /** The same, parsed by the price-list file parser. */
  listPrices(market: string, onSkip?: (skipped: SkippedRow) => void): AsyncIterable<PriceListEntry>;
}

type Query = Record<string, string | number | undefined>;

/**
 * Microsoft Partner Center REST client (csp-billing.md 1): OAuth client credentials, seek paging with
 * `MS-ContinuationToken` + `seekOperation=Next`, offset paging for invoices, exact decimals (lossless JSON), and
 * every failure as an IntegrationError of vendor `partner-center`.
 */
export function createPartnerCenterClient(options: PartnerCenterClientOptions): PartnerCenterClient {
  const conn = options.connection;
  const now = options.now ?? Date.now;
  const http: HttpClient = createHttpClient({
    ...options.http,
    vendor: VENDOR,
    mapError: partnerCenterErrorMapper,
    secretParams: ['client_secret', 'refresh_token', 'assertion'],
    secretValues: () => [conn.clientSecret, ...(conn.refreshToken ? [conn.refreshToken] : [])],
  });
  const tokens = createTokenProvider(conn, http, now, options.onRefreshToken);
  const correlationId = randomUUID();
  const pages = { customers: 500, invoices: 100, lineItems: LINE_ITEM_PAGE_SIZE, ...options.pageSize };

  const headers = (token: string, extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${token}`,
    accept: 'application/json',
    'ms-requestid': randomUUID(),
    'ms-correlationid': correlationId,
    'x-locale': 'en-US',
    ...extra,
  });

  /** GET with a bearer token; a 401 drops the cached token and tries once more with a fresh one. */
  async function getJson(
    url: string,
    query: Query,
    audience: Audience,
    extra?: Record<string, string>,
  ): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      const token = await tokens.token(audience);
      try {
        const res = await http.request({ method: 'GET', url, query, headers: headers(token, extra) });
        try {
          return parseJsonLossless(res.text);
        } catch {
          throw new IntegrationError({
            kind: 'protocol',
            vendor: VENDOR,
            message: `GET ${url}: the answer is not JSON`,
          });
        }
      } catch (error) {
        if (attempt === 1 && error instanceof IntegrationError && error.status === 401) {
          tokens.invalidate(audience);
          continue;
        }
        throw error;
      }
    }
  }

  function collection(json: unknown, what: string): WireCollection {
    const parsed = collectionSchema.safeParse(json);
    if (!parsed.success)
      throw new IntegrationError({
        kind: 'protocol',
        vendor: VENDOR,
        message: `${what}: not a Partner Center collection`,
      });
    return parsed.data;
  }

  /** Seek paging: first `query`, then the same + `seekOperation=Next` with the page's continuation token. */
  async function* seek(url: string, query: Query, what: string): AsyncGenerator<Record<string, unknown>> {
    let token: string | undefined;
    const seen = new Set<string>();
    do {
      const page = collection(
        await getJson(
          url,
          token ? { ...query, seekOperation: 'Next' } : query,
          AUDIENCE.partnerCenter,
          token ? { 'ms-continuationtoken': token } : undefined,
        ),
        what,
      );
      yield* page.items;
      token =
        page.continuationToken ??
        page.links?.next?.headers?.find((h) => h.key.toLowerCase() === 'ms-continuationtoken')?.value ??
        undefined;
      if (token !== undefined) {
        if (seen.has(token))
          throw new IntegrationError({
            kind: 'protocol',
            vendor: VENDOR,
            message: `${what}: a continuation token came back twice`,
          });
        seen.add(token);
      }
    } while (token !== undefined);
  }

  async function* wireInvoices(): AsyncGenerator<WireInvoice> {
    for (let offset = 0; ; offset += pages.invoices) {
      const page = collection(
        await getJson(`${conn.apiUrl}/v1/invoices`, { size: pages.invoices, offset }, AUDIENCE.partnerCenter),
        'invoices',
      );
      for (const item of page.items) yield invoiceSchema.parse(item);
      if (!page.links?.next && page.items.length < pages.invoices) return;
      if (page.items.length === 0) return;
    }
  }

  function lineItems(
    invoice: Pick<InvoiceHeader, 'id' | 'currency'>,
    type: 'billinglineitems' | 'usagelineitems',
  ) {
    const url = `${conn.apiUrl}/v1/invoices/${encodeURIComponent(invoice.id)}/lineitems`;
    const query = {
      provider: 'onetime',
      invoicelineitemtype: type,
      currencycode: invoice.currency,
      period: 'previous',
      size: pages.lineItems,
    };
    return seek(url, query, `invoice ${invoice.id} ${type}`);
  }

  const client: PartnerCenterClient = {
    async *listCustomers() {
      for await (const item of seek(`${conn.apiUrl}/v1/customers`, { size: pages.customers }, 'customers')) {
        yield customerFromWire(customerSchema.parse(item));
      }
    },
    async *listInvoices(query = {}) {
      for await (const inv of wireInvoices()) {
        if (!isSyncableInvoice(inv)) continue;
        const header = invoiceHeaderFromWire(inv);
        if (query.since === undefined || header.billingPeriod >= query.since) yield header;
      }
    },
    async getInvoice(id) {
      return invoiceHeaderFromWire(
        invoiceSchema.parse(
          await getJson(`${conn.apiUrl}/v1/invoices/${encodeURIComponent(id)}`, {}, AUDIENCE.partnerCenter),
        ),
      );
    },
    async *listInvoiceLines(invoice) {
      let n = 0;
      for await (const item of lineItems(invoice, 'billinglineitems')) {
        yield invoiceLineFromWire(item, ++n, `invoice ${invoice.id} line items`);
      }
    },
    async *listUsageLines(invoice) {
      let n = 0;
      for await (const item of lineItems(invoice, 'usagelineitems')) {
        yield usageLineFromWire(item, ++n, `invoice ${invoice.id} usage line items`);
      }
    },
    async downloadPriceSheet(market) {
      const m = market.toUpperCase();
      const url = `${conn.partnerApiUrl}/v1.0/sales/pricesheets(Market='${m}',PricesheetView='updatedlicensebased')/$value`;
      const token = await tokens.token(AUDIENCE.partnerApi);
      const res = await http.stream({
        method: 'GET',
        url,
        headers: { ...headers(token), accept: 'application/octet-stream' },
      });
      return res.body;
    },
    async *listPrices(market, onSkip) {
      const body = await client.downloadPriceSheet(market);
      yield* parsePriceListFile(body, `price sheet ${market.toUpperCase()}`, onSkip);
    },
  };
  return client;
}
