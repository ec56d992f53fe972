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
}

function intVar(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = intVar(env, 'PORT', 3000);
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dataDir: resolve(env.BILLSYNC_DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    secretKey: env.BILLSYNC_SECRET_KEY || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    publicUrl: (env.BILLSYNC_PUBLIC_URL || `http://localhost:${port}`).replace(/\/$/, ''),
    sessionHours: intVar(env, 'BILLSYNC_SESSION_HOURS', 12),
    insecureCookies: env.BILLSYNC_INSECURE_COOKIES === '1' || env.BILLSYNC_INSECURE_COOKIES === 'true',
    loginRatePerMinute: intVar(env, 'BILLSYNC_LOGIN_RATE', 10),
  };
}
