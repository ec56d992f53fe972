import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Decimal, dec, ZERO } from '../../core/money/decimal';
import {
  customerOverviewRow,
  type MonthlyReportRow,
  monthlyReportRows,
  productOverviewRow,
  sourceOverviewRow,
} from '../../db/repos/reports';
import { toRunView } from '../../services/sync';
import { MonthlyOut, OverviewOut } from '../../services/sync/report-schemas';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { TargetQuery } from './sync-schemas';

/** Per period, the currency with the most cost (a workspace bills in one currency in practice). */
function toMonths(rows: readonly MonthlyReportRow[]) {
  const byCurrency = new Map<string, Decimal>();
  for (const r of rows) {
    if (r.currency)
      byCurrency.set(r.currency, (byCurrency.get(r.currency) ?? ZERO).plus(dec(r.invoiced_cost)));
  }
  const currency = [...byCurrency].sort((a, b) => b[1].cmp(a[1]))[0]?.[0] ?? null;
  const periods = [...new Set(rows.map((r) => r.period))].sort();
  const months = periods.map((period) => {
    const r = rows.find((x) => x.period === period && x.currency === currency);
    const cost = dec(r?.synced_cost ?? '0');
    const retail = dec(r?.synced_retail ?? '0');
    const margin = retail.minus(cost);
    return {
      period,
      cost: cost.toFixed(2),
      retail: retail.toFixed(2),
      margin: margin.toFixed(2),
      marginPercent: retail.eq(0) ? null : Number(margin.div(retail).times(100).toFixed(1)),
      customers: r?.synced_customers ?? 0,
      invoicedCost: dec(r?.invoiced_cost ?? '0').toFixed(2),
      unpricedLines: r?.unpriced_lines ?? 0,
    };
  });
  return { currency, months };
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

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
      const rows = await monthlyReportRows(
        ctx.pool,
        sessionOf(request).workspace_id,
        target,
        ctx.clock.today(),
        months,
      );
      return { target, ...toMonths(rows) };
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
      const ws = sessionOf(request).workspace_id;
      const { target } = request.query;
      const [customers, products, source] = await Promise.all([
        customerOverviewRow(ctx.pool, ws, target),
        productOverviewRow(ctx.pool, ws, target),
        sourceOverviewRow(ctx.pool, ws),
      ]);
      return {
        target,
        customers: {
          total: customers.total,
          mapped: customers.mapped,
          syncOn: customers.sync_on,
          lastSuccessAt: iso(customers.last_success_at),
          latestAt: iso(customers.latest_at),
          latest: customers.latest ?? {},
        },
        products: {
          lastSuccessAt: iso(products.lastSuccessAt),
          latestRun: products.latest ? toRunView(products.latest) : null,
        },
        source: {
          customers: source.customers,
          priceListEntries: source.price_list_entries,
          invoices: source.invoices,
          latestPeriod: source.latest_period,
          lastImportAt: iso(source.last_import_at),
          imports: (source.imports ?? []).map((i) => ({
            kind: i.kind,
            files: i.files,
            lastAt: iso(i.last_at)!,
          })),
        },
      };
    },
  );
};
