import { z } from 'zod';
import { RunViewOut } from './run-schemas';

/**
 * The API contract of the dashboard's figures, in one place: the server validates and documents its report
 * routes with these schemas, and the web app takes its wire types from them (type-only imports in
 * web/src/api/types.ts). Keep this file pure zod: no database or server code, so the web project can import it.
 */

/** One billing period of the 12-month chart. */
export const MonthOut = z.object({
  period: z
    .string()
    .describe('billing period YYYY-MM (the usage month; its invoice is issued the month after)'),
  cost: z.string().describe('what Microsoft billed for the invoices synced to the PSA'),
  retail: z.string().describe('retail of the same lines (price-list retail; Azure: cost plus the markup)'),
  margin: z.string().describe('retail - cost'),
  marginPercent: z.number().nullable().describe('margin / retail x 100, one decimal; null without retail'),
  customers: z.number().describe('customers with a synced invoice for the period'),
  invoicedCost: z.string().describe('what Microsoft billed for every customer, synced or not'),
  unpricedLines: z.number().describe('synced lines without a price-list retail (counted at cost)'),
});

/** `GET /api/reports/monthly`. */
export const MonthlyOut = z.object({
  target: z.enum(['autotask', 'connectwise']),
  currency: z.string().nullable(),
  months: z.array(MonthOut),
});

/** `GET /api/reports/overview`: the dashboard cards. */
export const OverviewOut = z.object({
  target: z.enum(['autotask', 'connectwise']),
  customers: z.object({
    total: z.number(),
    mapped: z.number(),
    syncOn: z.number(),
    lastSuccessAt: z.string().nullable(),
    latestAt: z.string().nullable(),
    latest: z.record(z.string(), z.number()).describe('run status -> customers whose latest run has it'),
  }),
  products: z.object({ lastSuccessAt: z.string().nullable(), latestRun: RunViewOut.nullable() }),
  source: z.object({
    customers: z.number(),
    priceListEntries: z.number(),
    invoices: z.number(),
    latestPeriod: z.string().nullable(),
    lastImportAt: z.string().nullable(),
    imports: z.array(z.object({ kind: z.string(), files: z.number(), lastAt: z.string() })),
  }),
});

/** Wire types (what the API sends), for the web app. */
export type MonthFiguresWire = z.infer<typeof MonthOut>;
export type MonthlyReportWire = z.infer<typeof MonthlyOut>;
export type OverviewWire = z.infer<typeof OverviewOut>;
