import { randomBytes } from 'node:crypto';
import type { Clock } from '../../kit';

/** The audiences of the two Partner Center hosts. */
export const PARTNER_CENTER_AUDIENCE = 'https://api.partnercenter.microsoft.com';
export const PARTNER_API_AUDIENCE = 'https://api.partner.microsoft.com';

interface Issued {
  audience: string;
  expiresAtMs: number;
  clientId: string;
  /** The signed-in user of an App+User (delegated) token; undefined for an app-only one. */
  user: string | undefined;
}

/** Seconds a token lives, as Entra ID issues them for client credentials. */
export const TOKEN_LIFETIME_SECONDS = 3599;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Bearer tokens the emulator issued. They look like JWTs (header.payload.signature with `aud`, `tid`, `appid`,
 * `exp`) but are only valid here: the emulator looks them up rather than checking a signature.
 */
export function createTokenStore(clock: Clock) {
  const issued = new Map<string, Issued>();
  return {
    issue(
      audience: string,
      clientId: string,
      tenant: string,
      user?: { upn: string; name: string },
    ): { token: string; expiresIn: number; expiresOn: number } {
      const nowS = Math.floor(clock.nowMs() / 1000);
      const exp = nowS + TOKEN_LIFETIME_SECONDS;
      const payload = {
        aud: audience,
        iss: `https://sts.windows.net/${tenant}/`,
        iat: nowS,
        nbf: nowS,
        exp,
        appid: clientId,
        tid: tenant,
        ...(user
          ? { idtyp: 'user', scp: 'user_impersonation', upn: user.upn, name: user.name, amr: ['pwd', 'mfa'] }
          : { idtyp: 'app' }),
      };
      const token = `${b64({ typ: 'JWT', alg: 'none' })}.${b64(payload)}.${randomBytes(16).toString('base64url')}`;
      issued.set(token, { audience, expiresAtMs: exp * 1000, clientId, user: user?.upn });
      return { token, expiresIn: TOKEN_LIFETIME_SECONDS, expiresOn: exp };
    },
    /** Why a bearer token is refused, or undefined when it is good for the audience. */
    check(authorization: string | undefined, audience: string): string | undefined {
      const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
      if (!m) return 'Authorization header with a Bearer token is required.';
      const t = issued.get(m[1]!);
      if (!t) return 'The access token is not valid.';
      if (t.expiresAtMs <= clock.nowMs()) return 'The access token has expired.';
      if (t.audience !== audience)
        return `The access token audience ${t.audience} is not valid for this resource.`;
      return undefined;
    },
    /** Whether a (valid) bearer token is app-only: Microsoft's price sheet wants App+User tokens. */
    isAppOnly(authorization: string | undefined): boolean {
      const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
      return m !== null && issued.get(m[1]!)?.user === undefined;
    },
    /** Expires every token now (admin API: lets a test see the client fetch a new one). */
    expireAll(): number {
      for (const t of issued.values()) t.expiresAtMs = Math.min(t.expiresAtMs, clock.nowMs());
      return issued.size;
    },
    get count() {
      return issued.size;
    },
  };
}

export type TokenStore = ReturnType<typeof createTokenStore>;
