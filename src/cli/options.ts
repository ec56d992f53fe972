import type { JobState } from '../jobs/job-list';
import { TARGET_KINDS } from '../services/sync/psa';

// The options several commands share. This module is loaded for every `billsync` start (`--help` shows them), so
// it imports nothing heavier than constants: see docs/decisions/0011-compiled-cli.md.

/** The option every workspace-scoped command takes. */
export const WORKSPACE_OPTION = [
  '--workspace <workspace>',
  'workspace name or id (needed when there are several)',
] as const;

export const TARGET_OPTION = ['--target <psa>', `the PSA: ${TARGET_KINDS.join(' or ')}`, 'autotask'] as const;

export const AS_OF_OPTION = [
  '--as-of <YYYY-MM-DD>',
  'run as of this day (UTC): replays a month; default today',
] as const;

/** Commander's parser of a repeatable option: `--customer a --customer b` gives ['a', 'b']. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** What `billsync jobs enqueue <what>` queues. */
export const ENQUEUE_WHAT = [
  'sync-customer',
  'sync-customers',
  'sync-products',
  'daily-check',
  'resume',
] as const;

/** The states `jobs list --state` takes: jobs/job-list.ts's JOB_STATES, repeated because that module loads pg-boss. */
export const JOB_STATES = [
  'created',
  'retry',
  'active',
  'completed',
  'cancelled',
  'failed',
] as const satisfies readonly JobState[];
// Compiles only while the list has every state of job-list.ts (`satisfies` checks the other way).
const _everyJobState: [Exclude<JobState, (typeof JOB_STATES)[number]>] extends [never] ? true : false = true;
