import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../services/errors';
import {
  CSV_CONTENT_TYPE,
  customersTable,
  exportFileName,
  leakageTable,
  offersTable,
  toCsv,
  toXlsx,
  XLSX_CONTENT_TYPE,
} from '../../services/reports/export';
import {
  reconChart,
  reconCustomer,
  reconLeakage,
  reconMonth,
  reconTimeline,
} from '../../services/reports/reconciliation';
import {
  LeakageOut,
  ReconChartOut,
  ReconCustomerOut,
  ReconMonthOut,
  TimelineOut,
} from '../../services/reports/reconciliation-schemas';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { ErrorBody } from './schemas';
import { engineDepsOf, Flag, isOn, TargetQuery } from './sync-schemas';

const Period = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a period is written YYYY-MM')
  .optional()
  .describe('YYYY-MM; default: the newest invoice imported');

const RECON_DESCRIPTION =
  "Figures per period: Microsoft's cost (the invoice lines' money for the period's days), the expected retail " +
  '(the invoice seats per day at the price list and price rules retail) and what the PSA bills (read from the ' +
  'PSA: units x price per day as it prorates, plus one-time charges). The PSA is read once for every mapped ' +
  'customer and the reading is reused until a run, an import, a mapping, a price rule or the program changes ' +
  '(refresh=true reads it again). Never writes.';

/** Reconciliation, leakage, the contract timeline and their exports (issue 17): read-only, every role. */
export const reconciliationRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const deps = engineDepsOf(ctx);

  app.get(
    '/api/reconciliation',
    {
      schema: {
        tags: ['reports'],
        summary: 'One month: every synced customer with cost, expected retail, PSA billed, margin and flags',
        description: RECON_DESCRIPTION,
        querystring: z.object({ target: TargetQuery, period: Period, refresh: Flag }),
        response: { 200: ReconMonthOut, 400: ErrorBody, 502: ErrorBody },
      },
    },
    async (request) => {
      const { target, period, refresh } = request.query;
      return reconMonth(deps, sessionOf(request).workspace_id, target, { period, refresh: isOn(refresh) });
    },
  );

  app.get(
    '/api/reconciliation/customer',
    {
      schema: {
        tags: ['reports'],
        summary: "One customer's month: its offers with the figures, flags and the invoice lines behind them",
        description: RECON_DESCRIPTION,
        querystring: z.object({
          target: TargetQuery,
          tenantId: z.string().min(1),
          period: Period,
          refresh: Flag,
        }),
        response: { 200: ReconCustomerOut, 400: ErrorBody, 404: ErrorBody, 502: ErrorBody },
      },
    },
    async (request) => {
      const { target, tenantId, period, refresh } = request.query;
      return reconCustomer(deps, sessionOf(request).workspace_id, target, {
        tenantId,
        period,
        refresh: isOn(refresh),
      });
    },
  );

  app.get(
    '/api/reconciliation/chart',
    {
      schema: {
        tags: ['reports'],
        summary:
          'Cost, expected retail, PSA billed and margin over the last months (workspace or one customer)',
        querystring: z.object({
          target: TargetQuery,
          tenantId: z.string().min(1).optional(),
          months: z.coerce.number().int().min(1).max(36).default(12),
          refresh: Flag,
        }),
        response: { 200: ReconChartOut, 502: ErrorBody },
      },
    },
    async (request) => {
      const { target, tenantId, months, refresh } = request.query;
      return reconChart(deps, sessionOf(request).workspace_id, target, {
        tenantId,
        months,
        refresh: isOn(refresh),
      });
    },
  );

  app.get(
    '/api/reconciliation/timeline',
    {
      schema: {
        tags: ['reports'],
        summary:
          "One contract line day by day: the invoice's seats beside the PSA's units, writes and locked days",
        querystring: z.object({
          target: TargetQuery,
          tenantId: z.string().min(1),
          offerKey: z.string().min(1),
          refresh: Flag,
        }),
        response: { 200: TimelineOut, 404: ErrorBody, 502: ErrorBody },
      },
    },
    async (request) => {
      const { target, tenantId, offerKey, refresh } = request.query;
      return reconTimeline(deps, sessionOf(request).workspace_id, target, {
        tenantId,
        offerKey,
        refresh: isOn(refresh),
      });
    },
  );

  app.get(
    '/api/reconciliation/leakage',
    {
      schema: {
        tags: ['reports'],
        summary: "Microsoft's charges nobody is billed for in a period, each with its fix",
        querystring: z.object({ target: TargetQuery, period: Period, refresh: Flag }),
        response: { 200: LeakageOut, 400: ErrorBody, 502: ErrorBody },
      },
    },
    async (request) => {
      const { target, period, refresh } = request.query;
      return reconLeakage(deps, sessionOf(request).workspace_id, target, { period, refresh: isOn(refresh) });
    },
  );

  app.get(
    '/api/reconciliation/export',
    {
      schema: {
        tags: ['reports'],
        summary:
          'A reconciliation table as CSV or Excel (formula-safe: text cells starting with = + - @ are escaped)',
        querystring: z.object({
          target: TargetQuery,
          table: z.enum(['customers', 'offers', 'leakage']),
          period: Period,
          tenantId: z.string().min(1).optional(),
          format: z.enum(['csv', 'xlsx']).default('csv'),
        }),
      },
    },
    async (request, reply) => {
      const { target, table, period, tenantId, format } = request.query;
      const ws = sessionOf(request).workspace_id;
      let data: ReturnType<typeof customersTable>;
      if (table === 'customers') data = customersTable(await reconMonth(deps, ws, target, { period }));
      else if (table === 'leakage') data = leakageTable(await reconLeakage(deps, ws, target, { period }));
      else {
        if (!tenantId)
          throw new AppError('validation_failed', 'table=offers needs the tenantId of a customer');
        data = offersTable(await reconCustomer(deps, ws, target, { tenantId, period }));
      }
      const name = exportFileName(data, format);
      reply.header('content-disposition', `attachment; filename="${name}"`);
      if (format === 'xlsx') {
        reply.type(XLSX_CONTENT_TYPE);
        return reply.send(await toXlsx(data));
      }
      reply.type(CSV_CONTENT_TYPE);
      return reply.send(toCsv(data));
    },
  );
};
