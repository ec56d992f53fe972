import { isIP } from 'node:net';

/**
 * The server's security settings from the environment (README "Configuration", docs/security.md). Kept beside
 * the server, which alone uses them; `billsync serve` reads them with loadSecurityConfig(process.env).
 */
export interface SecurityConfig {
  /**
   * Addresses or CIDR ranges of the reverse proxies whose X-Forwarded-For is believed (BILLSYNC_TRUST_PROXY,
   * comma-separated; also `loopback`, `linklocal`, `uniquelocal`). Empty: no proxy is trusted and the client
   * address is the TCP peer, whatever the headers say.
   */
  trustProxy: readonly string[];
  /** Sign-in attempts per account in accountLoginWindowMinutes (BILLSYNC_LOGIN_ACCOUNT_RATE, default 10). */
  accountLoginLimit: number;
  /** The window of the per-account limit, in minutes (15). */
  accountLoginWindowMinutes: number;
}

export const DEFAULT_SECURITY: SecurityConfig = {
  trustProxy: [],
  accountLoginLimit: 10,
  accountLoginWindowMinutes: 15,
};

const KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** One BILLSYNC_TRUST_PROXY entry: an IP address, address/prefix, or one of proxy-addr's keywords. */
export function isTrustEntry(entry: string): boolean {
  if (KEYWORDS.has(entry)) return true;
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (!family || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

export function parseTrustProxy(raw: string | undefined): string[] {
  const entries = (raw ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const bad = entries.filter((e) => !isTrustEntry(e));
  if (bad.length) {
    throw new Error(
      `BILLSYNC_TRUST_PROXY must list the proxies' addresses or CIDR ranges, e.g. "10.0.0.5" or ` +
        `"10.0.0.0/24,::1" (or loopback); not: ${bad.map((b) => `"${b.slice(0, 60)}"`).join(', ')}`,
    );
  }
  return entries;
}

export function loadSecurityConfig(env: NodeJS.ProcessEnv): SecurityConfig {
  const rawLimit = env.BILLSYNC_LOGIN_ACCOUNT_RATE;
  const limit = rawLimit ? Number(rawLimit) : DEFAULT_SECURITY.accountLoginLimit;
  if (!Number.isInteger(limit) || limit <= 0) {
    throw new Error(`BILLSYNC_LOGIN_ACCOUNT_RATE must be a positive whole number, got "${rawLimit}"`);
  }
  return {
    trustProxy: parseTrustProxy(env.BILLSYNC_TRUST_PROXY),
    accountLoginLimit: limit,
    accountLoginWindowMinutes: DEFAULT_SECURITY.accountLoginWindowMinutes,
  };
}

/** The security settings of an app context (the defaults when the composition root gave none). */
export function securityOf(ctx: { security?: SecurityConfig }): SecurityConfig {
  return ctx.security ?? DEFAULT_SECURITY;
}
