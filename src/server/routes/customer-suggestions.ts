import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ConfirmSuggestionsInput,
  ConfirmSuggestionsOut,
  SuggestionReviewOut,
} from '../../services/sync/suggestion-schemas';
import { confirmSuggestions, reviewSuggestions } from '../../services/sync/suggestions';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { BODY_LIMIT } from '../validation';
import { directoryCacheOf } from './directory-cache';
import { ErrorBody } from './schemas';
import { engineDepsOf, TargetQuery } from './sync-schemas';

/**
 * "Confirm all suggested matches" (spec section 5: billsync suggests a PSA company, the user confirms): the review
 * list, and confirming the chosen ones. Registered by the customer routes.
 */
export const customerSuggestionRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const deps = engineDepsOf(ctx);

  app.get(
    '/api/customers/suggestions',
    {
      schema: {
        tags: ['customers'],
        summary: 'Every unmapped customer with a suggested PSA company, and what confirming it would map',
        description:
          "Reads the PSA's companies once (kept a few minutes per workspace: BILLSYNC_DIRECTORY_TTL_SECONDS; " +
          '`POST /api/psa/{target}/directory/refresh` reads them anew). A suggestion can be confirmed here when the ' +
          'company has exactly one mappable contract; `note` says why not for the others (choose their contract in ' +
          'the mapping dialog).',
        querystring: z.object({ target: TargetQuery }),
        response: { 200: SuggestionReviewOut },
      },
    },
    async (request) =>
      reviewSuggestions(deps, sessionOf(request).workspace_id, request.query.target, directoryCacheOf(ctx)),
  );

  app.post(
    '/api/customers/suggestions/confirm',
    {
      config: { minRole: 'operator' },
      bodyLimit: BODY_LIMIT.customerList,
      schema: {
        tags: ['customers'],
        summary: "Map the chosen customers to their suggested company's only mappable contract",
        description:
          'The suggestions are made again from the PSA as it is now; a customer without one, or whose company has ' +
          'no or several mappable contracts, is skipped with the reason. Sync stays off unless `syncOn`.',
        querystring: z.object({ target: TargetQuery }),
        body: ConfirmSuggestionsInput,
        response: { 200: ConfirmSuggestionsOut, 400: ErrorBody },
      },
    },
    async (request) => {
      const s = sessionOf(request);
      return confirmSuggestions(deps, s.workspace_id, request.query.target, request.body, s.email);
    },
  );
};
