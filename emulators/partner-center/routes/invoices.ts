import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../kit';
import { pcError } from '../http/errors';
import { link, lowerQuery } from '../http/paging';
import type { PartnerCenterSeed, SeedInvoice } from '../seed/read-seed-dir';
import { RawNumber, sumDecimals, toWireJson } from '../seed/wire-values';

const SYMBOLS: Record<string, string> = {
  USD: '$',
  EUR: '€',
  GBP: '£',
  AUD: '$',
  CAD: '$',
  NZD: '$',
  JPY: '¥',
};

function lastDayOf(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return `${period}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

/** A seed invoice as the `Invoice` resource: a modern ("OneTime") invoice with its billing and usage details. */
export function invoiceJson(inv: SeedInvoice, seed: PartnerCenterSeed) {
  const details = [
    {
      invoiceLineItemType: 'billing_line_items',
      billingProvider: 'one_time',
      links: { self: link(`/invoices/OneTime-${inv.id}/lineitems/OneTime/BillingLineItems`) },
      attributes: { objectType: 'InvoiceDetail' },
    },
  ];
  if (seed.usageLines.has(inv.id)) {
    details.push({
      invoiceLineItemType: 'usage_line_items',
      billingProvider: 'one_time',
      links: { self: link(`/invoices/OneTime-${inv.id}/lineitems/OneTime/UsageLineItems`) },
      attributes: { objectType: 'InvoiceDetail' },
    });
  }
  return {
    id: inv.id,
    invoiceDate: `${inv.issueDate}T00:00:00Z`,
    billingPeriodStartDate: `${inv.billingPeriod}-01T00:00:00Z`,
    billingPeriodEndDate: `${lastDayOf(inv.billingPeriod)}T00:00:00Z`,
    totalCharges: new RawNumber(sumDecimals(seed.totals.get(inv.id) ?? [])),
    paidAmount: new RawNumber('0'),
    currencyCode: inv.currency,
    currencySymbol: SYMBOLS[inv.currency] ?? inv.currency,
    pdfDownloadLink: null,
    taxReceipts: [],
    invoiceDetails: details,
    amendments: [],
    documentType: 'invoice',
    invoiceType: 'OneTime',
    links: { self: link(`/invoices/${inv.id}`) },
    attributes: { objectType: 'Invoice' },
  };
}

/** Invoices issued by the emulated "today" (an invoice appears on its issue date), newest first. */
export function visibleInvoices(seed: PartnerCenterSeed, clock: Clock): SeedInvoice[] {
  const today = clock.today();
  return seed.invoices
    .filter((i) => i.issueDate <= today)
    .sort((a, b) =>
      a.issueDate === b.issueDate ? b.id.localeCompare(a.id) : b.issueDate.localeCompare(a.issueDate),
    );
}

/** `GET /v1/invoices?size=&offset=` (offset paging) and `GET /v1/invoices/{id}`. */
export function registerInvoiceRoutes(
  app: FastifyInstance,
  deps: { seed: () => PartnerCenterSeed; clock: Clock },
) {
  app.get('/v1/invoices', async (request, reply) => {
    const q = lowerQuery(request.query);
    const size = q.size === undefined ? 200 : Number(q.size);
    const offset = q.offset === undefined ? 0 : Number(q.offset);
    if (!Number.isInteger(size) || size < 1 || !Number.isInteger(offset) || offset < 0) {
      return pcError(reply, 400, '400', 'size must be a positive integer and offset a non-negative integer');
    }
    const seed = deps.seed();
    const all = visibleInvoices(seed, deps.clock);
    const items = all.slice(offset, offset + size).map((i) => invoiceJson(i, seed));
    const next =
      offset + size < all.length ? { next: link(`/invoices?size=${size}&offset=${offset + size}`) } : {};
    reply.type('application/json; charset=utf-8');
    return toWireJson({
      totalCount: items.length,
      items,
      links: { self: link(`/invoices?size=${size}&offset=${offset}`), ...next },
      attributes: { objectType: 'Collection' },
    });
  });

  app.get('/v1/invoices/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const seed = deps.seed();
    const inv = visibleInvoices(seed, deps.clock).find((i) => i.id.toLowerCase() === id.toLowerCase());
    if (!inv) return pcError(reply, 404, '2000', `Invoice ${id} was not found.`);
    reply.type('application/json; charset=utf-8');
    return toWireJson(invoiceJson(inv, seed));
  });
}
