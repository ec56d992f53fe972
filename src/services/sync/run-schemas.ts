import { z } from 'zod';

/**
 * The API contract of runs (spec section 7), in one place: the server validates and documents its run, sync and
 * report routes with these schemas, and the web app takes its wire types from them (type-only imports in
 * web/src/api/types.ts). Keep this file pure zod: no database or server code, so the web project can import it.
 * The lists here are checked against the database's at compile time (src/server/routes/sync-schemas.ts).
 */

/** Every status a run can have (the runs table's check constraint lists the same). */
export const RunStatusSchema = z.enum([
  'preview',
  'awaiting_approval',
  'running',
  'interrupted',
  'no_change',
  'success',
  'warning',
  'error',
  'rejected',
  'superseded',
]);
export const RunKindSchema = z.enum(['product', 'customer']);
export const ItemStatusSchema = z.enum(['no_change', 'ok', 'warning', 'error', 'skipped']);

export const ItemCounts = z.object({
  no_change: z.number(),
  ok: z.number(),
  warning: z.number(),
  error: z.number(),
  skipped: z.number(),
});

/** What a sync or a run action answers. */
export const RunSummaryOut = z.object({
  runId: z.string(),
  kind: RunKindSchema,
  tenantId: z.string().nullable(),
  customerName: z.string().nullable(),
  status: RunStatusSchema,
  operations: z.number(),
  items: ItemCounts,
  writes: z.number(),
  probedApplied: z.number(),
  message: z.string().nullable(),
});

/** A run in lists (History) and at the top of its detail. */
export const RunViewOut = z.object({
  id: z.string(),
  target: z.string(),
  kind: RunKindSchema,
  tenantId: z.string().nullable(),
  customerName: z.string().nullable(),
  status: RunStatusSchema,
  asOf: z.string(),
  trigger: z.string(),
  createdBy: z.string(),
  operations: z.number(),
  items: ItemCounts,
  writes: z.number(),
  message: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

/** `GET /api/runs`. */
export const RunListOut = z.object({
  items: z.array(RunViewOut),
  limit: z.number(),
  offset: z.number(),
  hasMore: z.boolean(),
});

export const Change = z.object({ field: z.string(), from: z.string().nullable(), to: z.string().nullable() });
export const Message = z.object({ level: z.enum(['info', 'warning', 'error']), text: z.string() });

/** Shadow first sync: one month of one item, what the PSA bills today and what the invoices say. */
export const MonthComparison = z.object({ month: z.string(), psa: z.string(), invoices: z.string() });

/** One item of a run: a product, or a customer's offer line, with its own status and messages. */
export const RunLineOut = z.object({
  seq: z.number(),
  key: z.string(),
  label: z.string(),
  action: z.string(),
  status: ItemStatusSchema,
  messages: z.array(Message),
  changes: z.array(Change),
  monthlyDelta: z.string().nullable(),
  offerKey: z.string().nullable(),
  tenantId: z.string().nullable(),
  targetId: z.string().nullable(),
  comparison: z
    .array(MonthComparison)
    .nullable()
    .describe('shadow first sync: per month, what the PSA bills today and once the run is applied'),
});

/** `GET /api/runs/{id}`: the run, its items and its journal summary. */
export const RunDetailOut = RunViewOut.extend({
  lines: z.array(RunLineOut),
  monthlyDelta: z.string().nullable(),
  journal: z.object({
    pending: z.number(),
    inFlight: z.number(),
    done: z.number(),
    failed: z.number(),
    attempts: z.number(),
    failures: z.array(z.string()),
  }),
});

/** Wire types (what the API sends), for the web app. */
export type RunStatusWire = z.infer<typeof RunStatusSchema>;
export type RunKindWire = z.infer<typeof RunKindSchema>;
export type ItemStatusWire = z.infer<typeof ItemStatusSchema>;
export type ItemCountsWire = z.infer<typeof ItemCounts>;
export type RunSummaryWire = z.infer<typeof RunSummaryOut>;
export type RunViewWire = z.infer<typeof RunViewOut>;
export type RunListWire = z.infer<typeof RunListOut>;
export type RunChangeWire = z.infer<typeof Change>;
export type RunMessageWire = z.infer<typeof Message>;
export type MonthComparisonWire = z.infer<typeof MonthComparison>;
export type RunLineWire = z.infer<typeof RunLineOut>;
export type RunDetailWire = z.infer<typeof RunDetailOut>;
