import { z } from 'zod';
import type { BillingMode } from '../../core/planner/customer-plan';
import type { ItemStatus, PricingStrategy } from '../../core/planner/types';
import { tryParsePlainDate } from '../../core/time/plain-date';
import type { ConnectionKind, ConnectionStatus } from '../../db/repos/connections';
import type { CustomerSort } from '../../db/repos/customer-list';
import { RUN_STATUSES, type RunKind, type RunStatus } from '../../db/repos/runs';
import type { Role } from '../../db/repos/users';
import type { JobState } from '../../jobs/job-list';
import type { JobName } from '../../jobs/job-names';
import { createEngineDeps } from '../../runtime/engine';
import type { RoleSchema } from '../../services/account-schemas';
import type {
  AutotaskConnectionInput,
  ConnectionKindSchema,
  ConnectionStatusSchema,
} from '../../services/connection-schemas';
import type { CONNECTION_SCHEMAS } from '../../services/connections';
import type {
  BillingModeSchema,
  CustomerSortSchema,
  StrategySchema,
} from '../../services/sync/customer-schemas';
import type { JobNameSchema, JobStateSchema } from '../../services/sync/job-schemas';
import type { ItemStatusSchema, RunKindSchema, RunStatusSchema } from '../../services/sync/run-schemas';
import type { AppContext } from '../context';

/** Shapes shared by the sync routes (programs, customers, PSA directory, sync, runs); they document the API. */

export const TargetParam = z.object({ target: z.enum(['autotask', 'connectwise']) });
export const TargetQuery = z.enum(['autotask', 'connectwise']).default('autotask');

export const DateText = z
  .string()
  .refine((s) => tryParsePlainDate(s) !== undefined, 'a date is written YYYY-MM-DD (a UTC calendar date)');

// The customers and runs contracts live in pure-zod modules the web app imports type-only (one API contract).
export {
  CustomerSortSchema,
  StrategySchema,
} from '../../services/sync/customer-schemas';
export {
  Change,
  ItemCounts,
  Message,
  RunKindSchema,
  RunStatusSchema,
  RunSummaryOut,
  RunViewOut,
} from '../../services/sync/run-schemas';
export { RUN_STATUSES };

/** True when A and B are the same type (not just assignable one way). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * The pure contract's lists are the database's, the queue's and the planner's (the route's mapping body is the
 * service's own schema): a difference fails the typecheck.
 */
export type ContractMatchesStore = [
  Same<z.infer<typeof RunStatusSchema>, RunStatus>,
  Same<z.infer<typeof RunKindSchema>, RunKind>,
  Same<z.infer<typeof ItemStatusSchema>, ItemStatus>,
  Same<z.infer<typeof StrategySchema>, PricingStrategy>,
  Same<z.infer<typeof CustomerSortSchema>, CustomerSort>,
  Same<z.infer<typeof BillingModeSchema>, BillingMode>,
  Same<z.infer<typeof JobStateSchema>, JobState>,
  Same<z.infer<typeof JobNameSchema>, JobName>,
  Same<z.infer<typeof ConnectionKindSchema>, ConnectionKind>,
  Same<z.infer<typeof ConnectionStatusSchema>, ConnectionStatus>,
  Same<z.infer<typeof RoleSchema>, Role>,
  Same<
    z.input<typeof AutotaskConnectionInput>['settings'],
    z.input<typeof CONNECTION_SCHEMAS.autotask.settings>
  >,
  Same<
    NonNullable<z.input<typeof AutotaskConnectionInput>['secrets']>,
    z.input<typeof CONNECTION_SCHEMAS.autotask.secrets>
  >,
] extends true[]
  ? true
  : never;
export const contractMatchesStore: ContractMatchesStore = true;

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
