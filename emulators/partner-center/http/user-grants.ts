import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../kit';

/** Authorization codes live 10 minutes (Entra ID: "about 10 minutes"). */
export const CODE_LIFETIME_SECONDS = 600;
/** Partner Center refresh tokens: 90 days (csp-billing.md 1.2; Entra ID's refresh-token lifetime). */
export const REFRESH_TOKEN_LIFETIME_DAYS = 90;
const DAY_MS = 86_400_000;

/** The user who signs in on the authorize page (an Admin agent of the partner tenant). */
export interface SignedInUser {
  upn: string;
  name: string;
}

interface CodeGrant {
  clientId: string;
  redirectUri: string;
  scope: string;
  challenge: string | undefined;
  method: string | undefined;
  user: SignedInUser;
  expiresAtMs: number;
  redeemed: boolean;
}

interface RefreshGrant {
  clientId: string;
  user: SignedInUser;
  scope: string;
  issuedAtMs: number;
  expiresAtMs: number;
  revoked: boolean;
}

/** Why Entra ID refuses a grant: always `400 invalid_grant` with an AADSTS code (real codes, our wording). */
export interface GrantProblem {
  code: number;
  text: string;
}

export type GrantResult =
  | { ok: true; user: SignedInUser; scope: string }
  | { ok: false; problem: GrantProblem };

const newSecret = (prefix: string) => `${prefix}.${randomBytes(24).toString('base64url')}`;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

function pkceMatches(grant: CodeGrant, verifier: string | undefined): boolean {
  if (!grant.challenge) return true;
  if (!verifier) return false;
  if ((grant.method ?? 'plain').toUpperCase() === 'S256')
    return createHash('sha256').update(verifier).digest('base64url') === grant.challenge;
  return verifier === grant.challenge;
}

/**
 * The App+User grants of the emulated Entra ID tenant: authorization codes (single use, 10 minutes, bound to the
 * client, the redirect URI and an optional PKCE challenge) and refresh tokens (90 days from issue; a redeemed one
 * stays valid, as Entra ID's do, and the answer carries a new one). `revokeAll` is what a password reset or an
 * admin's "revoke sessions" does.
 */
export function createUserGrants(clock: Clock) {
  const codes = new Map<string, CodeGrant>();
  const refreshTokens = new Map<string, RefreshGrant>();
  const fail = (code: number, text: string): GrantResult => ({ ok: false, problem: { code, text } });
  return {
    issueCode(g: Omit<CodeGrant, 'expiresAtMs' | 'redeemed'>): string {
      const code = newSecret('emu-code');
      codes.set(code, { ...g, expiresAtMs: clock.nowMs() + CODE_LIFETIME_SECONDS * 1000, redeemed: false });
      return code;
    },
    redeemCode(code: string, r: { clientId: string; redirectUri: string | undefined; verifier?: string }) {
      const grant = codes.get(code);
      if (!grant || grant.clientId !== r.clientId)
        return fail(9002313, 'Invalid request. Request is malformed or invalid.');
      if (grant.redeemed)
        return fail(
          54005,
          'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
        );
      if (grant.expiresAtMs <= clock.nowMs())
        return fail(
          70008,
          'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
        );
      if (r.redirectUri !== grant.redirectUri)
        return fail(
          500112,
          `The reply address '${r.redirectUri ?? ''}' does not match the reply address '${grant.redirectUri}' provided when requesting Authorization code.`,
        );
      if (!pkceMatches(grant, r.verifier))
        return fail(
          50148,
          'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.',
        );
      grant.redeemed = true;
      return { ok: true, user: grant.user, scope: grant.scope } as GrantResult;
    },
    issueRefreshToken(g: { clientId: string; user: SignedInUser; scope: string }): string {
      const token = newSecret('emu-rt');
      const now = clock.nowMs();
      refreshTokens.set(token, {
        ...g,
        issuedAtMs: now,
        expiresAtMs: now + REFRESH_TOKEN_LIFETIME_DAYS * DAY_MS,
        revoked: false,
      });
      return token;
    },
    /** Checks a refresh token; undefined when it is not one of ours (the caller may know it otherwise). */
    redeemRefreshToken(token: string, clientId: string): GrantResult | undefined {
      const grant = refreshTokens.get(token);
      if (!grant) return undefined;
      if (grant.clientId !== clientId)
        return fail(70000, "The provided value for the 'refresh_token' is not valid.");
      if (grant.revoked)
        return fail(
          50173,
          `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${iso(grant.issuedAtMs)}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${iso(clock.nowMs())}'.`,
        );
      if (grant.expiresAtMs <= clock.nowMs())
        return fail(
          700082,
          `The refresh token has expired due to inactivity. The token was issued on ${iso(grant.issuedAtMs)} and was inactive for ${REFRESH_TOKEN_LIFETIME_DAYS}.00:00:00.`,
        );
      return { ok: true, user: grant.user, scope: grant.scope };
    },
    /** Revokes every refresh token issued so far (admin API). */
    revokeAll(): number {
      for (const g of refreshTokens.values()) g.revoked = true;
      return refreshTokens.size;
    },
    stats() {
      const now = clock.nowMs();
      const live = [...refreshTokens.values()].filter((g) => !g.revoked && g.expiresAtMs > now);
      return { codes: codes.size, refreshTokens: refreshTokens.size, liveRefreshTokens: live.length };
    },
  };
}

export type UserGrants = ReturnType<typeof createUserGrants>;
