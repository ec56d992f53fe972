import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../kit';
import { pcError } from '../http/errors';
import { type Continuations, link, lowerQuery } from '../http/paging';
import type { PartnerCenterSeed } from '../seed/read-seed-dir';
import { toWireJson } from '../seed/wire-values';
import { visibleInvoices } from './invoices';

const TYPES: Record<string, 'billing' | 'usage'> = { billinglineitems: 'billing', usagelineitems: 'usage' };

/**
 * `GET /v1/invoices/{id}/lineitems?provider=onetime&invoicelineitemtype=billinglineitems|usagelineitems
 * &currencycode=USD&period=current|previous&size=2000`: the modern ("OneTime") reconciliation line items with seek
 * paging (next page: the same URI plus `seekOperation=Next` and the `MS-ContinuationToken` header).
 */
export function registerLineItemRoutes(
  app: FastifyInstance,
  deps: { seed: () => PartnerCenterSeed; clock: Clock; continuations: Continuations; maxPageSize: number },
) {
  app.get('/v1/invoices/:id/lineitems', async (request, reply) => {
    const { id } = request.params as { id: string };
    const q = lowerQuery(request.query);
    const seed = deps.seed();
    const invoice = visibleInvoices(seed, deps.clock).find((i) => i.id.toLowerCase() === id.toLowerCase());
    if (!invoice) return pcError(reply, 404, '2000', `Invoice ${id} was not found.`);
    const provider = (q.provider ?? '').toLowerCase();
    const type = TYPES[(q.invoicelineitemtype ?? '').toLowerCase()];
    if (!provider) return pcError(reply, 400, '400', 'The provider parameter is required.');
    if (!type)
      return pcError(
        reply,
        400,
        '400',
        `invoiceLineItemType must be billinglineitems or usagelineitems, got "${q.invoicelineitemtype ?? ''}"`,
      );
    if (provider === 'onetime' && !q.currencycode)
      return pcError(reply, 400, '400', 'The currencyCode parameter is required for provider onetime.');
    const size = q.size === undefined ? deps.maxPageSize : Number(q.size);
    if (!Number.isInteger(size) || size < 1)
      return pcError(reply, 400, '400', `size must be a positive integer, got "${q.size}"`);
    const pageSize = Math.min(size, deps.maxPageSize);
    const collection = `lineitems:${invoice.id}:${provider}:${type}`;
    let offset = 0;
    if (q.seekoperation !== undefined) {
      if (q.seekoperation.toLowerCase() !== 'next')
        return pcError(
          reply,
          400,
          '400',
          `seekOperation ${q.seekoperation} is not supported by the emulator (only Next)`,
        );
      const token = request.headers['ms-continuationtoken'];
      const resolved = typeof token === 'string' ? deps.continuations.resolve(token, collection) : undefined;
      if (resolved === undefined)
        return pcError(reply, 400, '400', 'The continuation token is missing or not valid.');
      offset = resolved;
    }
    // Legacy providers (office, azure) have no rows on a modern invoice; a currency other than the invoice's has none.
    const sameCurrency =
      q.currencycode === undefined || q.currencycode.toUpperCase() === invoice.currency.toUpperCase();
    const source =
      provider === 'onetime' && sameCurrency
        ? type === 'billing'
          ? seed.billingLines
          : seed.usageLines
        : new Map();
    const all = (source.get(invoice.id) ?? []) as Record<string, unknown>[];
    const items = all.slice(offset, offset + pageSize);
    const more = offset + pageSize < all.length;
    const token = more ? deps.continuations.issue(collection, offset + pageSize) : undefined;
    const base = `/invoices/${invoice.id}/lineitems?provider=${provider}&invoicelineitemtype=${q.invoicelineitemtype}&currencycode=${q.currencycode ?? ''}&period=${q.period ?? 'previous'}&size=${pageSize}`;
    reply.type('application/json; charset=utf-8');
    return toWireJson({
      ...(token ? { continuationToken: token } : {}),
      totalCount: items.length,
      items,
      links: {
        self: link(base),
        ...(token
          ? { next: link(`${base}&seekOperation=Next`, [{ key: 'MS-ContinuationToken', value: token }]) }
          : {}),
      },
      attributes: { objectType: 'Collection' },
    });
  });
}
