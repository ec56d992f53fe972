import type { FastifyInstance } from 'fastify';
import { pcError } from '../http/errors';
import type { Continuations } from '../http/paging';
import { link, lowerQuery } from '../http/paging';
import type { SeedCustomer } from '../seed/read-seed-dir';

/** A seed customer as the `Customer` resource of the v1 API. */
export function customerJson(c: SeedCustomer) {
  return {
    id: c.tenantId,
    commerceId: `${c.tenantId}:emulator`,
    companyProfile: {
      tenantId: c.tenantId,
      domain: c.domain,
      companyName: c.name,
      links: { self: link(`/customers/${c.tenantId}/profiles/company`) },
      attributes: { objectType: 'CustomerCompanyProfile' },
    },
    billingProfile: {
      id: c.tenantId,
      companyName: c.name,
      links: { self: link(`/customers/${c.tenantId}/profiles/billing`) },
      attributes: { etag: 'emulator', objectType: 'CustomerBillingProfile' },
    },
    relationshipToPartner: 'reseller',
    allowDelegatedAccess: true,
    customDomains: [c.domain],
    links: { self: link(`/customers/${c.tenantId}`) },
    attributes: { objectType: 'Customer' },
  };
}

/**
 * `GET /v1/customers?size=N` (seek paging: the next page is `?size=N&seekOperation=Next` with the
 * `MS-ContinuationToken` header) and `GET /v1/customers/{id}`.
 */
export function registerCustomerRoutes(
  app: FastifyInstance,
  deps: { customers: () => SeedCustomer[]; continuations: Continuations; maxPageSize: number },
) {
  app.get('/v1/customers', async (request, reply) => {
    const q = lowerQuery(request.query);
    const size = q.size === undefined ? deps.maxPageSize : Number(q.size);
    if (!Number.isInteger(size) || size < 1)
      return pcError(reply, 400, '400', `size must be a positive integer, got "${q.size}"`);
    const pageSize = Math.min(size, deps.maxPageSize);
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
      const resolved = typeof token === 'string' ? deps.continuations.resolve(token, 'customers') : undefined;
      if (resolved === undefined)
        return pcError(reply, 400, '400', 'The continuation token is missing or not valid.');
      offset = resolved;
    }
    const all = deps.customers();
    const items = all.slice(offset, offset + pageSize).map(customerJson);
    const more = offset + pageSize < all.length;
    const token = more ? deps.continuations.issue('customers', offset + pageSize) : undefined;
    return {
      totalCount: items.length,
      items,
      links: {
        self: link(`/customers?size=${pageSize}`),
        ...(token
          ? {
              next: link(`/customers?size=${pageSize}&seekOperation=Next`, [
                { key: 'MS-ContinuationToken', value: token },
              ]),
            }
          : {}),
      },
      ...(token ? { continuationToken: token } : {}),
      attributes: { objectType: 'Collection' },
    };
  });

  app.get('/v1/customers/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const found = deps
      .customers()
      .find((c) => c.tenantId.toLowerCase() === id.replace(/^org:/i, '').toLowerCase());
    return found ? customerJson(found) : pcError(reply, 404, '600001', `Customer ${id} was not found.`);
  });
}
