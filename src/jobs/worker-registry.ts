import type { Queryable } from '../db/pool';
import { JOB_NAMES } from './job-names';
import { QUEUE_SCHEMA } from './queue';

/**
 * The `worker_heartbeats` table (migration 0007): one row per running worker process, refreshed every heartbeat
 * with the ids of the jobs it runs. pg-boss 10 has no heartbeat of its own (a job of a dead worker would stay
 * `active` until it expires); this is ours.
 */
export interface WorkerBeat {
  id: string;
  host: string;
  pid: number;
  /** Jobs this worker runs now (and the ones it finished a moment ago, whose completion may still be on its way). */
  jobs: readonly string[];
}

export async function beat(db: Queryable, w: WorkerBeat): Promise<void> {
  await db.query(
    `insert into worker_heartbeats (id, host, pid, jobs) values ($1, $2, $3, $4::uuid[])
     on conflict (id) do update set heartbeat_at = now(), jobs = excluded.jobs`,
    [w.id, w.host, w.pid, w.jobs],
  );
}

/** A worker stopping cleanly says goodbye (its jobs are finished or back in the queue by then). */
export async function forgetWorker(db: Queryable, id: string): Promise<void> {
  await db.query('delete from worker_heartbeats where id = $1', [id]);
}

export interface OrphanedJob {
  id: string;
  name: string;
}

/**
 * Jobs pg-boss holds `active` that no live worker runs: started more than `staleSeconds` ago and listed by no
 * worker whose heartbeat is younger than that. Their worker died (killed, its machine lost), or it lost the
 * database when the job ended and could not record that. A live worker lists a job from its next heartbeat on,
 * so one that started `staleSeconds` ago is listed unless its worker missed several heartbeats in a row.
 */
export async function orphanedJobs(db: Queryable, staleSeconds: number): Promise<OrphanedJob[]> {
  const res = await db.query<OrphanedJob>(
    `select j.id, j.name from ${QUEUE_SCHEMA}.job j
     where j.name = any($1) and j.state = 'active' and j.started_on < now() - make_interval(secs => $2)
       and not exists (
         select 1 from worker_heartbeats w
         where w.heartbeat_at > now() - make_interval(secs => $2) and j.id = any(w.jobs))
     order by j.started_on`,
    [JOB_NAMES, staleSeconds],
  );
  return res.rows;
}

/**
 * A handed-on job runs again at once rather than after the retry backoff: its worker died, the job did not fail.
 * (pg-boss `fail` puts it in `retry` with a backoff start; only that start time changes here.)
 */
export async function runNow(db: Queryable, ids: readonly string[]): Promise<void> {
  await db.query(
    `update ${QUEUE_SCHEMA}.job set start_after = now() where id = any($1::uuid[]) and state = 'retry'`,
    [ids],
  );
}

/** Rows of workers silent for a day (killed long ago): kept that long for a look at what ran where. */
export async function forgetLongDeadWorkers(db: Queryable): Promise<void> {
  await db.query("delete from worker_heartbeats where heartbeat_at < now() - interval '1 day'");
}
