import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listCompanies, listCompanyContracts } from '../../services/sync';
import { CompanyContractsOut, CompanyListOut } from '../../services/sync/directory-schemas';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { ErrorBody } from './schemas';
import { engineDepsOf, TargetParam } from './sync-schemas';

/** The PSA's companies and contracts for the mapping dialog's dropdowns (read live from the PSA). */
export const psaDirectoryRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const deps = engineDepsOf(ctx);

  app.get(
    '/api/psa/:target/companies',
    {
      schema: {
        tags: ['psa'],
        summary: 'Customer companies of the PSA, searched by name',
        params: TargetParam,
        querystring: z.object({
          search: z.string().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: CompanyListOut, 502: ErrorBody },
      },
    },
    async (request) =>
      listCompanies(deps, sessionOf(request).workspace_id, request.params.target, {
        search: request.query.search,
        limit: request.query.limit,
      }),
  );

  app.get(
    '/api/psa/:target/companies/:id/contracts',
    {
      schema: {
        tags: ['psa'],
        summary: "A company's Recurring Service contracts that can be mapped",
        description: 'Ended and inactive contracts are not listed; `hidden` says how many and why.',
        params: TargetParam.extend({ id: z.string() }),
        response: {
          200: CompanyContractsOut,
          404: ErrorBody,
          502: ErrorBody,
        },
      },
    },
    async (request) =>
      listCompanyContracts(deps, sessionOf(request).workspace_id, request.params.target, request.params.id),
  );
};
