import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listCompanies, listCompanyContracts } from '../../services/sync';
import {
  CompanyContractsOut,
  CompanyListOut,
  DirectoryRefreshOut,
} from '../../services/sync/directory-schemas';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { directoryCacheOf } from './directory-cache';
import { ErrorBody } from './schemas';
import { engineDepsOf, TargetParam } from './sync-schemas';

/**
 * The PSA's companies and contracts for the mapping dialog's dropdowns: read from the PSA and kept per workspace
 * and connection for BILLSYNC_DIRECTORY_TTL_SECONDS (issue 14); "Refresh from Autotask" reads them anew.
 */
export const psaDirectoryRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const deps = engineDepsOf(ctx);
  const directory = directoryCacheOf(ctx);

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
      listCompanies(
        deps,
        sessionOf(request).workspace_id,
        request.params.target,
        { search: request.query.search, limit: request.query.limit },
        directory,
      ),
  );

  app.get(
    '/api/psa/:target/companies/:id/contracts',
    {
      schema: {
        tags: ['psa'],
        summary: "A company's contracts that can be mapped (recurring, or annual with kind=annual)",
        description:
          'Ended and inactive contracts are not listed; `hidden` says how many and why. kind=annual lists the ' +
          'contracts annual subscriptions are booked on (Autotask Fixed Price; ConnectWise agreements billed one ' +
          'time or yearly; decision 0015).',
        params: TargetParam.extend({ id: z.string() }),
        querystring: z.object({ kind: z.enum(['recurring', 'annual']).default('recurring') }),
        response: {
          200: CompanyContractsOut,
          404: ErrorBody,
          502: ErrorBody,
        },
      },
    },
    async (request) =>
      listCompanyContracts(
        deps,
        sessionOf(request).workspace_id,
        request.params.target,
        request.params.id,
        directory,
        request.query.kind,
      ),
  );

  app.post(
    '/api/psa/:target/directory/refresh',
    {
      schema: {
        tags: ['psa'],
        summary: "Read the PSA's companies and contracts anew (the mapping dialog's Refresh button)",
        description:
          'The companies, contracts and suggestions are kept for a few minutes per workspace ' +
          '(BILLSYNC_DIRECTORY_TTL_SECONDS); this forgets them and reads the PSA now.',
        params: TargetParam,
        response: { 200: DirectoryRefreshOut, 400: ErrorBody, 502: ErrorBody },
      },
    },
    async (request) => {
      const ws = sessionOf(request).workspace_id;
      directory.clear(ws, request.params.target);
      const dir = await directory.read(deps, ws, request.params.target);
      return {
        companies: dir.companies.filter((c) => c.kind === 'customer' && c.active).length,
        contracts: dir.contracts.length,
        readAt: dir.takenAt,
      };
    },
  );
};
