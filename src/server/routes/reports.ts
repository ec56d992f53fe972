import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { dashboardOverview, monthlyReport } from '../../services/reports/dashboard';
import { MonthlyOut, OverviewOut } from '../../services/sync/report-schemas';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { TargetQuery } from './sync-schemas';

/** Read-only figures of the dashboard: the 12-month cost/retail chart and the cards (workspace-scoped). */
export const reportRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  app.get(
    '/api/reports/monthly',
    {
      schema: {
        tags: ['reports'],
        summary: 'Cost vs retail synced to the PSA per billing period, and the margin (dashboard chart)',
        querystring: z.object({
          target: TargetQuery,
          months: z.coerce.number().int().min(1).max(36).default(12),
        }),
        response: { 200: MonthlyOut },
      },
    },
    async (request) => {
      const { target, months } = request.query;
      return monthlyReport(ctx.pool, sessionOf(request).workspace_id, target, ctx.clock.today(), months);
    },
  );

  app.get(
    '/api/reports/overview',
    {
      schema: {
        tags: ['reports'],
        summary: 'The dashboard cards: customers and products syncs, and what the Microsoft CSP source holds',
        querystring: z.object({ target: TargetQuery }),
        response: { 200: OverviewOut },
      },
    },
    async (request) => {
      return dashboardOverview(ctx.pool, sessionOf(request).workspace_id, request.query.target);
    },
  );
};
