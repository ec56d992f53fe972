import { randomBytes } from 'node:crypto';
import type { Clock } from '../../kit';
import { PARTNER_API_AUDIENCE, PARTNER_CENTER_AUDIENCE } from '../http/tokens';
import type { SignedInUser, UserGrants } from '../http/user-grants';

export const AUDIENCES = [PARTNER_CENTER_AUDIENCE, PARTNER_API_AUDIENCE];

export type Form = Record<string, string | undefined>;

/** What a grant gives: the access token's audience and, for App+User grants, the user and new tokens. */
export interface GrantOutcome {
  audience: string;
  user?: SignedInUser;
  refreshToken?: string;
  idToken?: string;
}

export interface GrantFailure {
  status: 400 | 401;
  error: string;
  code: number;
  text: string;
}

export type GrantResult = { ok: true; value: GrantOutcome } | { ok: false; failure: GrantFailure };

const bad = (error: string, code: number, text: string): { ok: false; failure: GrantFailure } => ({
  ok: false,
  failure: { status: 400, error, code, text },
});

/** The audience a v2 `scope` names (`{aud}/.default` or `{aud}/user_impersonation`, plus e.g. offline_access). */
export function audienceOfScope(scope: string): string | undefined {
  for (const part of scope.split(/\s+/)) {
    const m = /^(https:\/\/[^/]+)\/(\.default|user_impersonation)$/.exec(part);
    if (m && AUDIENCES.includes(m[1]!)) return m[1];
  }
  return undefined;
}

const hasScope = (scope: string, name: string) => scope.split(/\s+/).includes(name);

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An OpenID Connect id_token (unsigned here) naming the signed-in user, for clients that show who consented. */
function idToken(user: SignedInUser, clientId: string, tenant: string, clock: Clock): string {
  const now = Math.floor(clock.nowMs() / 1000);
  const payload = {
    aud: clientId,
    iss: `https://login.microsoftonline.com/${tenant}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    tid: tenant,
    name: user.name,
    preferred_username: user.upn,
    ver: '2.0',
  };
  return `${b64({ typ: 'JWT', alg: 'none' })}.${b64(payload)}.${randomBytes(8).toString('base64url')}`;
}

type AudienceResult = { ok: true; audience: string } | { ok: false; failure: GrantFailure };

/** The audience of the request: v2 `scope`, v1 `resource`; `fallbackScope` when v2 sends none (code grant). */
function requestedAudience(
  version: 'v1' | 'v2',
  form: Form,
  tenant: string,
  fallbackScope?: string,
): AudienceResult {
  if (version === 'v1') {
    const audience = AUDIENCES.find((a) => a === form.resource?.replace(/\/$/, ''));
    if (audience) return { ok: true as const, audience };
    return bad(
      'invalid_resource',
      500011,
      `The resource principal named ${form.resource ?? ''} was not found in the tenant named ${tenant}.`,
    );
  }
  const scope = form.scope ?? fallbackScope;
  if (!scope)
    return bad('invalid_request', 90014, "The required field 'scope' is missing from the credential.");
  const audience = audienceOfScope(scope);
  if (audience) return { ok: true as const, audience };
  return bad(
    'invalid_scope',
    70011,
    `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
  );
}

export interface GrantDeps {
  clock: Clock;
  grants: UserGrants;
  /** The static refresh token of the credentials (the sandbox prints it) and its user. */
  staticRefreshToken: string;
  defaultUser: SignedInUser;
  clientId: string;
  tenant: string;
}

/**
 * The grant-specific part of the token endpoint, after the client is authenticated: `client_credentials`
 * (app-only), `authorization_code` (the consent's code; a refresh token when the consent asked for
 * `offline_access`, an id_token for `openid`) and `refresh_token` (a new refresh token with every answer).
 */
export function resolveGrant(version: 'v1' | 'v2', grant: string, form: Form, d: GrantDeps): GrantResult {
  if (grant === 'client_credentials') {
    const aud = requestedAudience(version, form, d.tenant);
    return aud.ok ? { ok: true, value: { audience: aud.audience } } : aud;
  }
  if (grant === 'authorization_code') {
    if (!form.code)
      return bad('invalid_request', 900144, "The request body must contain the following parameter: 'code'.");
    const redeemed = d.grants.redeemCode(form.code, {
      clientId: d.clientId,
      redirectUri: form.redirect_uri,
      ...(form.code_verifier ? { verifier: form.code_verifier } : {}),
    });
    if (!redeemed.ok) return bad('invalid_grant', redeemed.problem.code, redeemed.problem.text);
    const aud = requestedAudience(version, form, d.tenant, redeemed.scope);
    if (!aud.ok) return aud;
    const { user, scope } = redeemed;
    const offline = hasScope(scope, 'offline_access') || version === 'v1';
    return {
      ok: true,
      value: {
        audience: aud.audience,
        user,
        ...(offline
          ? { refreshToken: d.grants.issueRefreshToken({ clientId: d.clientId, user, scope }) }
          : {}),
        ...(hasScope(scope, 'openid') ? { idToken: idToken(user, d.clientId, d.tenant, d.clock) } : {}),
      },
    };
  }
  const aud = requestedAudience(version, form, d.tenant);
  if (!aud.ok) return aud;
  const token = form.refresh_token ?? '';
  if (token !== '' && token === d.staticRefreshToken)
    return { ok: true, value: { audience: aud.audience, user: d.defaultUser, refreshToken: token } };
  const used = d.grants.redeemRefreshToken(token, d.clientId);
  if (!used) return bad('invalid_grant', 70000, "The provided value for the 'refresh_token' is not valid.");
  if (!used.ok) return bad('invalid_grant', used.problem.code, used.problem.text);
  const next = d.grants.issueRefreshToken({ clientId: d.clientId, user: used.user, scope: used.scope });
  return {
    ok: true,
    value: {
      audience: aud.audience,
      user: used.user,
      refreshToken: next,
      ...(hasScope(used.scope, 'openid')
        ? { idToken: idToken(used.user, d.clientId, d.tenant, d.clock) }
        : {}),
    },
  };
}
