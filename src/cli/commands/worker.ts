import type { Command } from 'commander';

const SCALE_OUT = `
Scale-out:
  Any number of workers, on any machines, may run against one database: start \`billsync worker\` wherever
  there is CPU, with the same DATABASE_URL and BILLSYNC_SECRET_KEY as the server (the key opens the stored
  PSA credentials). The jobs live in the database (pg-boss, schema "pgboss"): each job is taken by exactly
  one worker, a customer is never queued twice, and two syncs of one customer never run at once (Postgres
  advisory locks). Requests to one PSA connection stay within its limits whatever the number of workers:
  at most 6 jobs per connection run at once across all workers; Autotask's requests hold one of 3 places
  per endpoint, ConnectWise's one of 6 places and a token of its minute's budget (kept in the database).
  Memory: a worker's live data is small; cap its heap so its RSS stays bounded
  (NODE_OPTIONS=--max-old-space-size=320, about 400 MB of RSS at most).

  \`billsync serve\` runs a worker too (BILLSYNC_EMBEDDED_WORKER=0 turns it off, e.g. for web-only servers).
  A worker that dies mid-job loses nothing: every worker reports a heartbeat (BILLSYNC_HEARTBEAT_SECONDS,
  default 5), and the job of a worker silent for 4 heartbeats is handed on to another one, whose retry resumes
  the run through its journal. A worker that loses the database keeps running: its running jobs fail and are
  retried, and it takes work again once the database is back.
  SIGINT/SIGTERM stop a worker gracefully: no new jobs, running ones get 30 seconds to finish.

Examples:
  DATABASE_URL=postgres://billsync@db/billsync BILLSYNC_SECRET_KEY=... billsync worker --concurrency 8
  NODE_OPTIONS=--max-old-space-size=320 billsync worker
  billsync jobs            # what is queued, running, failed
`;

/** `billsync worker`: a standalone background worker (see docs/operations.md). */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(
      'run background jobs: scheduled daily checks, queued syncs, notifications (any number of workers)',
    )
    .option(
      '-c, --concurrency <n>',
      'customer syncs this worker runs at once (default BILLSYNC_WORKER_CONCURRENCY or 4)',
    )
    .addHelpText('after', SCALE_OUT)
    .action(async (opts: { concurrency?: string }) => (await import('../actions/worker')).worker(opts));
}
