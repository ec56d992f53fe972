import { z } from 'zod';
import { PRICING_STRATEGIES, type PricingStrategy } from '../../core/planner/types';
import { tryParsePlainDate } from '../../core/time/plain-date';
import { CUSTOMER_SORTS } from '../../db/repos/customer-list';
import { RUN_STATUSES } from '../../db/repos/runs';
import { createEngineDeps } from '../../runtime/engine';
import type { AppContext } from '../context';

/** Shapes shared by the sync routes (programs, customers, PSA directory, sync, runs); they document the API. */

export const TargetParam = z.object({ target: z.enum(['autotask', 'connectwise']) });
export const TargetQuery = z.enum(['autotask', 'connectwise']).default('autotask');

export const DateText = z
  .string()
  .refine((s) => tryParsePlainDate(s) !== undefined, 'a date is written YYYY-MM-DD (a UTC calendar date)');

export { RUN_STATUSES };
export const RunStatusSchema = z.enum(RUN_STATUSES);
export const RunKindSchema = z.enum(['product', 'customer']);
export const StrategySchema = z.enum(
  PRICING_STRATEGIES as unknown as [PricingStrategy, ...PricingStrategy[]],
);
export const CustomerSortSchema = z.enum(CUSTOMER_SORTS);

export const ItemCounts = z.object({
  no_change: z.number(),
  ok: z.number(),
  warning: z.number(),
  error: z.number(),
  skipped: z.number(),
});

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

export const Change = z.object({ field: z.string(), from: z.string().nullable(), to: z.string().nullable() });
export const Message = z.object({ level: z.enum(['info', 'warning', 'error']), text: z.string() });

/** Paging of lists: `limit` rows from `offset`. */
export const paging = (max: number, fallback: number) => ({
  limit: z.coerce.number().int().min(1).max(max).default(fallback),
  offset: z.coerce.number().int().min(0).default(0),
});

export const Flag = z.enum(['true', 'false', '1', '0']).optional();
export const isOn = (flag: string | undefined) => flag === 'true' || flag === '1';

/** The engine's dependencies of the app (its openTarget, when wired). */
export const engineDepsOf = (ctx: AppContext) =>
  createEngineDeps({ pool: ctx.pool, clock: ctx.clock, openTarget: ctx.openTarget });
