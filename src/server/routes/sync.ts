import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PlainDate } from '../../core/time/plain-date';
import {
  adoptProduct,
  previewCustomers,
  previewProducts,
  startCustomerSync,
  startProductSync,
} from '../../services/sync';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { BODY_LIMIT } from '../validation';
import { ErrorBody } from './schemas';
import { DateText, engineDepsOf, RunSummaryOut, TargetParam } from './sync-schemas';

const ProductsBody = z
  .object({ asOf: DateText.optional().describe('plan as of this day (default today, UTC)') })
  .strict()
  .nullish();

const CustomersBody = z
  .object({
    tenantIds: z
      .array(z.string().min(1))
      .max(5000)
      .optional()
      .describe('default: every mapped customer with sync on'),
    asOf: DateText.optional().describe('replay a month: sync as of this day (default today, UTC)'),
  })
  .strict()
  .nullish();

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
        body: ProductsBody,
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
        body: ProductsBody,
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
        body: CustomersBody,
        response: { 200: z.object({ items: z.array(RunSummaryOut) }), ...errors },
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
        body: CustomersBody,
        response: { 200: z.object({ items: z.array(RunSummaryOut) }), ...errors },
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
        body: z
          .object({
            offer: z.string().min(1).describe('offer key, or its SKU code / product name when unique'),
            productId: z.string().min(1).describe('the PSA product (Autotask Service) id'),
          })
          .strict(),
        response: {
          200: z.object({ offerKey: z.string(), productId: z.string(), productName: z.string() }),
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
