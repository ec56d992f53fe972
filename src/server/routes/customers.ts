import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clearCustomerMapping, getCustomer, listCustomers, saveCustomerMapping } from '../../services/sync';
import { checkContract } from '../../services/sync/contract-check';
import {
  ContractCheckOut,
  CustomerInvoicesOut,
  CustomerOut,
  CustomerPageOut,
  MappingInput,
  MappingSavedOut,
} from '../../services/sync/customer-schemas';
import { getCustomerInvoices } from '../../services/sync/customers';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { customerSuggestionRoutes } from './customer-suggestions';
import { directoryCacheOf } from './directory-cache';
import { ErrorBody } from './schemas';
import { CustomerSortSchema, engineDepsOf, Flag, isOn, paging, TargetQuery } from './sync-schemas';

const OneCustomer = {
  params: z.object({ id: z.string().describe('the tenant id') }),
  querystring: z.object({ target: TargetQuery }),
};

/** Customers of the program with their mapping and last run (spec section 5); operators map them. */
export const customerRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const deps = engineDepsOf(ctx);
  const directory = directoryCacheOf(ctx);
  await app.register(customerSuggestionRoutes, ctx);

  app.get(
    '/api/customers',
    {
      schema: {
        tags: ['customers'],
        summary: 'The customers table: searched, sorted and paged on the server',
        querystring: z.object({
          target: TargetQuery,
          search: z
            .string()
            .max(200)
            .optional()
            .describe('part of the name, domain, tenant id or PSA company'),
          sort: CustomerSortSchema.default('customer'),
          order: z.enum(['asc', 'desc']).default('asc'),
          mapped: Flag,
          suggest: Flag.describe('suggest a PSA company for the unmapped customers of the page'),
          ...paging(500, 50),
        }),
        response: { 200: CustomerPageOut },
      },
    },
    async (request) => {
      const { target, mapped, suggest, ...q } = request.query;
      return listCustomers(
        deps,
        sessionOf(request).workspace_id,
        target,
        { ...q, ...(mapped === undefined ? {} : { mapped: isOn(mapped) }), suggest: isOn(suggest) },
        directory,
      );
    },
  );

  app.get(
    '/api/customers/:id',
    { schema: { tags: ['customers'], ...OneCustomer, response: { 200: CustomerOut, 404: ErrorBody } } },
    async (request) =>
      getCustomer(deps, sessionOf(request).workspace_id, request.query.target, request.params.id),
  );

  app.put(
    '/api/customers/:id/mapping',
    {
      config: { minRole: 'operator' },
      schema: {
        tags: ['customers'],
        summary:
          "Save a customer's mapping (PSA company, contract, pricing strategy, sync start, Sync switch)",
        description:
          'The contract must belong to the company, be a Recurring Service contract and not have ended. The sync ' +
          'start defaults to the first day of the current month (UTC).',
        ...OneCustomer,
        body: MappingInput,
        response: {
          200: MappingSavedOut,
          400: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (request) => {
      const s = sessionOf(request);
      return saveCustomerMapping(
        deps,
        s.workspace_id,
        request.query.target,
        request.params.id,
        request.body,
        s.email,
      );
    },
  );

  app.get(
    '/api/customers/:id/invoices',
    {
      schema: {
        tags: ['customers'],
        summary: "The customer's imported Microsoft invoices with their issue dates (the sync start hint)",
        description:
          'Oldest first, each with whether it was synced to the PSA for this customer. A sync takes the invoices ' +
          'issued on or after the sync start that were not synced yet.',
        ...OneCustomer,
        response: { 200: CustomerInvoicesOut, 404: ErrorBody },
      },
    },
    async (request) =>
      getCustomerInvoices(deps, sessionOf(request).workspace_id, request.query.target, request.params.id),
  );

  app.get(
    '/api/customers/:id/contract-check',
    {
      schema: {
        tags: ['customers'],
        summary: "Whether a contract already bills one of the customer's offers (the shadow first sync hint)",
        description:
          "Reads the contract in the PSA. When it already bills a product of one of the customer's invoiced offers " +
          '(linked, or named as billsync names it), the mapping dialog pre-selects the shadow first sync: the first ' +
          'sync is compared with what the PSA bills and written only once applied, so a cutover never double charges.',
        params: OneCustomer.params,
        querystring: z.object({ target: TargetQuery, contractId: z.string().min(1) }),
        response: {
          200: ContractCheckOut,
          400: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (request) =>
      checkContract(
        deps,
        sessionOf(request).workspace_id,
        request.query.target,
        request.params.id,
        request.query.contractId,
      ),
  );

  app.delete(
    '/api/customers/:id/mapping',
    {
      config: { minRole: 'operator' },
      schema: {
        tags: ['customers'],
        summary: "Clear a customer's mapping: sync off, history kept, nothing changed in the PSA",
        ...OneCustomer,
        response: { 200: CustomerOut, 404: ErrorBody },
      },
    },
    async (request) => {
      const s = sessionOf(request);
      return clearCustomerMapping(deps, s.workspace_id, request.query.target, request.params.id, s.email);
    },
  );
};
