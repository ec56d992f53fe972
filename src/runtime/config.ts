import { resolve } from 'node:path';

/** Everything billsync reads from the environment, in one place (the README lists each variable). */
export interface Config {
  /** HTTP port of `billsync serve` (PORT, default 3000). */
  port: number;
  /** Interface to listen on (HOST, default 0.0.0.0). */
  host: string;
  /** Where the embedded Postgres, the generated key file and other local state live (BILLSYNC_DATA_DIR). */
  dataDir: string;
  /** External Postgres; when unset the embedded one in dataDir is used (DATABASE_URL). */
  databaseUrl: string | undefined;
  /** Seconds an unused pooled database connection stays open (BILLSYNC_DB_IDLE_SECONDS, default 10). */
  dbIdleSeconds: number;
  /** 32-byte key (base64 or hex) for credentials at rest; else a key file in dataDir (BILLSYNC_SECRET_KEY). */
  secretKey: string | undefined;
  /** pino level (LOG_LEVEL, default info). */
  logLevel: string;
  /** Public base URL used in links of e-mails (BILLSYNC_PUBLIC_URL, default http://localhost:PORT). */
  publicUrl: string;
  /** Session lifetime in hours (BILLSYNC_SESSION_HOURS, default 12). */
  sessionHours: number;
  /** Send cookies without the Secure flag (only for plain-http deployments not on localhost). */
  insecureCookies: boolean;
  /** Failed logins allowed per IP and minute (BILLSYNC_LOGIN_RATE, default 10). */
  loginRatePerMinute: number;
  /**
   * Seconds the web keeps a workspace's PSA companies and contracts for the mapping dialog and the suggestions
   * (BILLSYNC_DIRECTORY_TTL_SECONDS, default 300; 0 reads the PSA every time). "Refresh from Autotask" reads anew.
   */
  directoryTtlSeconds: number;
  /** Background jobs, the daily schedule and e-mail (README "Background jobs", docs/operations.md). */
  jobs: JobsConfig;
}

export interface JobsConfig {
  /** Run a worker inside `billsync serve` (BILLSYNC_EMBEDDED_WORKER, default on; `0` turns it off). */
  embeddedWorker: boolean;
  /** Customer syncs one worker process runs at once (BILLSYNC_WORKER_CONCURRENCY, default 4). */
  concurrency: number;
  /** Default hour (0-23) of the daily check in the workspace's time zone (BILLSYNC_SCHEDULE_HOUR, default 6). */
  scheduleHour: number;
  /** Default IANA time zone of the daily check (BILLSYNC_TIMEZONE, default UTC). */
  timeZone: string;
  /** A job still active after this many seconds counts as dead and is retried (BILLSYNC_JOB_EXPIRE_SECONDS, 1800). */
  expireSeconds: number;
  /** First retry delay in seconds, doubled on each retry (BILLSYNC_JOB_RETRY_SECONDS, default 30). */
  retryDelaySeconds: number;
  /** How often an idle worker asks the queue for work, in seconds (BILLSYNC_WORKER_POLL_SECONDS, default 2). */
  pollSeconds: number;
  /**
   * How often a worker reports that it is alive, in seconds (BILLSYNC_HEARTBEAT_SECONDS, default 5). A worker
   * silent for 4 heartbeats counts as dead and its jobs are handed on (src/jobs/heartbeat.ts).
   */
  heartbeatSeconds: number;
  /** SMTP server for notification e-mails, e.g. smtps://user:pass@mail.example.com:465 (SMTP_URL; unset = outbox). */
  smtpUrl: string | undefined;
  /** Sender of notification e-mails (SMTP_FROM, default `billsync <billsync@localhost>`). */
  smtpFrom: string;
}

function intVar(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return n;
}

function numberVar(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new Error(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

/** An IANA time zone name Node knows (Europe/Berlin, America/New_York, UTC). */
export function isTimeZone(name: string): boolean {
  // The default needs no check, and the first Intl.DateTimeFormat costs ~15 ms of every CLI command's start.
  if (name === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function loadJobsConfig(env: NodeJS.ProcessEnv): JobsConfig {
  const timeZone = env.BILLSYNC_TIMEZONE || 'UTC';
  if (!isTimeZone(timeZone)) {
    throw new Error(`BILLSYNC_TIMEZONE must be an IANA time zone such as Europe/Berlin, got "${timeZone}"`);
  }
  const hour = numberVar(env, 'BILLSYNC_SCHEDULE_HOUR', 6, 0, 23);
  if (!Number.isInteger(hour))
    throw new Error(`BILLSYNC_SCHEDULE_HOUR must be a whole hour 0-23, got "${hour}"`);
  const off = env.BILLSYNC_EMBEDDED_WORKER === '0' || env.BILLSYNC_EMBEDDED_WORKER === 'false';
  return {
    embeddedWorker: !off,
    concurrency: intVar(env, 'BILLSYNC_WORKER_CONCURRENCY', 4),
    scheduleHour: hour,
    timeZone,
    // pg-boss refuses expirations of 24 hours or more.
    expireSeconds: Math.round(numberVar(env, 'BILLSYNC_JOB_EXPIRE_SECONDS', 1800, 5, 86_000)),
    retryDelaySeconds: intVar(env, 'BILLSYNC_JOB_RETRY_SECONDS', 30),
    pollSeconds: numberVar(env, 'BILLSYNC_WORKER_POLL_SECONDS', 2, 0.5, 600),
    heartbeatSeconds: numberVar(env, 'BILLSYNC_HEARTBEAT_SECONDS', 5, 0.2, 300),
    smtpUrl: env.SMTP_URL || undefined,
    smtpFrom: env.SMTP_FROM || 'billsync <billsync@localhost>',
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = intVar(env, 'PORT', 3000);
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dataDir: resolve(env.BILLSYNC_DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    dbIdleSeconds: numberVar(env, 'BILLSYNC_DB_IDLE_SECONDS', 10, 0.1, 3600),
    secretKey: env.BILLSYNC_SECRET_KEY || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    publicUrl: (env.BILLSYNC_PUBLIC_URL || `http://localhost:${port}`).replace(/\/$/, ''),
    sessionHours: intVar(env, 'BILLSYNC_SESSION_HOURS', 12),
    insecureCookies: env.BILLSYNC_INSECURE_COOKIES === '1' || env.BILLSYNC_INSECURE_COOKIES === 'true',
    loginRatePerMinute: intVar(env, 'BILLSYNC_LOGIN_RATE', 10),
    directoryTtlSeconds: numberVar(env, 'BILLSYNC_DIRECTORY_TTL_SECONDS', 300, 0, 86_400),
    jobs: loadJobsConfig(env),
  };
}
