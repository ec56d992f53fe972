import type { WorkspaceId } from '../../core/ids';
import { type Decimal, dec, ZERO } from '../../core/money/decimal';
import type { PlainDate } from '../../core/time/plain-date';
import type { Queryable } from '../../db/pool';
import {
  customerOverviewRow,
  type MonthlyReportRow,
  monthlyReportRows,
  productOverviewRow,
  sourceOverviewRow,
} from '../../db/repos/reports';
import type { TargetKind } from '../../db/repos/sync';
import { toRunView } from '../sync';
import type { MonthlyReportWire, OverviewWire } from '../sync/report-schemas';

/*
 * The dashboard's read-only figures (GET /api/reports/monthly and /api/reports/overview; `billsync overview`):
 * one place for the server and the CLI.
 */

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

/** Cost vs retail synced to the PSA per billing period, and the margin, over the last `months` months. */
export async function monthlyReport(
  db: Queryable,
  ws: WorkspaceId,
  target: TargetKind,
  today: PlainDate,
  months: number,
): Promise<MonthlyReportWire> {
  const rows = await monthlyReportRows(db, ws, target, today, months);
  return { target, ...toMonths(rows) };
}

/** The dashboard cards: the customers' and products' syncs, and what the Microsoft CSP source holds. */
export async function dashboardOverview(
  db: Queryable,
  ws: WorkspaceId,
  target: TargetKind,
): Promise<OverviewWire> {
  const [customers, products, source] = await Promise.all([
    customerOverviewRow(db, ws, target),
    productOverviewRow(db, ws, target),
    sourceOverviewRow(db, ws),
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
}
