import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  PricePreviewOut,
  PricePreviewQuery,
  PriceRuleAddedOut,
  PriceRuleIdParam,
  PriceRuleInput,
  PriceRuleListOut,
  PriceRuleRemovedOut,
  RuleEffectInput,
  RuleEffectOut,
  SkuListOut,
  SkuSearchQuery,
} from '../../services/pricing/price-rule-schemas';
import {
  addRule,
  listRules,
  previewPrice,
  removeRule,
  ruleEffect,
  searchSkus,
} from '../../services/pricing/price-rules';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { ErrorBody } from './schemas';

/** Price rules (issue 16, decision 0013): everyone reads them and previews prices; admins add and remove. */
export const priceRuleRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const deps = { pool: ctx.pool, clock: ctx.clock };

  app.get(
    '/api/price-rules',
    {
      schema: {
        tags: ['pricing'],
        summary: 'The price rules, in their stated order',
        response: { 200: PriceRuleListOut },
      },
    },
    async (request) => listRules(deps, sessionOf(request).workspace_id),
  );

  app.post(
    '/api/price-rules',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['pricing'],
        summary: 'Add a price rule (audited)',
        description:
          'A rule sets the retail price from the price list cost or list retail: markup %, margin %, an amount, or ' +
          'a fixed price; for every customer or one, all offers or a SKU / product / title prefix / segment; from a ' +
          'date (default: the first day of next month) to an optional last day. The most specific rule wins ' +
          '(customer, then SKU > product > family > segment > all, then position). Prices change from the start of ' +
          'a contract period, never prorated.',
        body: PriceRuleInput,
        response: { 200: PriceRuleAddedOut, 400: ErrorBody },
      },
    },
    async (request) => {
      const s = sessionOf(request);
      return addRule(deps, s.workspace_id, request.body, s.email);
    },
  );

  app.delete(
    '/api/price-rules/:id',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['pricing'],
        summary: 'Remove a price rule (audited; prices follow from the next contract period)',
        description:
          'A rule that has not started is deleted; one that priced periods already is ended on the last day of the ' +
          'current month (outcome ended), so the prices it set stay on record; one that ended before: 409.',
        params: PriceRuleIdParam,
        response: {
          200: PriceRuleRemovedOut,
          404: ErrorBody,
          409: ErrorBody,
        },
      },
    },
    async (request) => {
      const s = sessionOf(request);
      return removeRule(deps, s.workspace_id, request.params.id, s.email);
    },
  );

  app.get(
    '/api/price-rules/preview',
    {
      schema: {
        tags: ['pricing'],
        summary:
          'The price of a SKU for a customer on a day: cost, list retail, the rule that applies, the price',
        querystring: PricePreviewQuery,
        response: { 200: PricePreviewOut, 404: ErrorBody },
      },
    },
    async (request) => previewPrice(deps, sessionOf(request).workspace_id, request.query),
  );

  app.get(
    '/api/price-rules/skus',
    {
      schema: {
        tags: ['pricing'],
        summary: 'Price-list SKU codes matching a search (code or title), for the preview and the rule form',
        querystring: SkuSearchQuery,
        response: { 200: SkuListOut },
      },
    },
    async (request) => searchSkus(deps, sessionOf(request).workspace_id, request.query),
  );

  app.post(
    '/api/price-rules/effect',
    {
      schema: {
        tags: ['pricing'],
        summary:
          'The monthly money effect of adding and / or removing a rule, per customer and in total, before saving',
        body: RuleEffectInput,
        response: { 200: RuleEffectOut, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => ruleEffect(deps, sessionOf(request).workspace_id, request.body),
  );
};
