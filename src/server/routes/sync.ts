import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { PlainDate } from '../../core/time/plain-date';
import {
  adoptProduct,
  previewCustomers,
  previewProducts,
  startCustomerSync,
  startProductSync,
} from '../../services/sync';
import {
  AdoptBody,
  AdoptedOut,
  CustomersSyncBody,
  ProductsSyncBody,
  RunSummaryListOut,
} from '../../services/sync/sync-request-schemas';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { BODY_LIMIT } from '../validation';
import { ErrorBody } from './schemas';
import { engineDepsOf, RunSummaryOut, TargetParam } from './sync-schemas';

const errors = { 400: ErrorBody, 409: ErrorBody, 502: ErrorBody, 503: ErrorBody };

/**
 * Product and customer syncs (spec sections 4 and 6). A preview stores the plan as a run and writes nothing
 * to the PSA; a start executes it (customer runs may wait for approval). Runs finish before the answer.
 */
export const syncRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const deps = engineDepsOf(ctx);
  const requestOf = (
    request: Parameters<typeof sessionOf>[0],
    target: 'autotask' | 'connectwise',
    asOf?: string,
  ) => {
    const s = sessionOf(request);
    return {
      ws: s.workspace_id,
      target,
      actor: s.email,
      trigger: 'api',
      asOf: asOf as PlainDate | undefined,
    };
  };
  const operator = { minRole: 'operator' as const };

  app.post(
    '/api/sync/:target/products/preview',
    {
      config: operator,
      schema: {
        tags: ['sync'],
        summary:
          'Preview the product sync: per offer the action and the old and new values (nothing is written)',
        params: TargetParam,
        body: ProductsSyncBody,
        response: { 200: RunSummaryOut, ...errors },
      },
    },
    async (request) => previewProducts(deps, requestOf(request, request.params.target, request.body?.asOf)),
  );

  app.post(
    '/api/sync/:target/products',
    {
      config: operator,
      schema: {
        tags: ['sync'],
        summary: 'Run the product sync now',
        params: TargetParam,
        body: ProductsSyncBody,
        response: { 200: RunSummaryOut, ...errors },
      },
    },
    async (request) => startProductSync(deps, requestOf(request, request.params.target, request.body?.asOf)),
  );

  app.post(
    '/api/sync/:target/customers/preview',
    {
      config: operator,
      bodyLimit: BODY_LIMIT.customerList,
      schema: {
        tags: ['sync'],
        summary:
          'Preview customer syncs: the exact PSA changes and money deltas per customer (nothing is written)',
        params: TargetParam,
        body: CustomersSyncBody,
        response: { 200: RunSummaryListOut, ...errors },
      },
    },
    async (request) => ({
      items: await previewCustomers(deps, {
        ...requestOf(request, request.params.target, request.body?.asOf),
        tenantIds: request.body?.tenantIds,
      }),
    }),
  );

  app.post(
    '/api/sync/:target/customers',
    {
      config: operator,
      bodyLimit: BODY_LIMIT.customerList,
      schema: {
        tags: ['sync'],
        summary: 'Sync customers now: one run per customer (one customer, some, or all with sync on)',
        params: TargetParam,
        body: CustomersSyncBody,
        response: { 200: RunSummaryListOut, ...errors },
      },
    },
    async (request) => ({
      items: await startCustomerSync(deps, {
        ...requestOf(request, request.params.target, request.body?.asOf),
        tenantIds: request.body?.tenantIds,
      }),
    }),
  );

  app.post(
    '/api/sync/:target/adopt',
    {
      config: operator,
      schema: {
        tags: ['sync'],
        summary:
          'Adopt an existing PSA product for an offer (after a name collision): billsync links and updates it',
        params: TargetParam,
        body: AdoptBody,
        response: {
          200: AdoptedOut,
          404: ErrorBody,
          ...errors,
        },
      },
    },
    async (request) => {
      const s = sessionOf(request);
      return adoptProduct(deps, s.workspace_id, request.params.target, request.body, s.email);
    },
  );
};
