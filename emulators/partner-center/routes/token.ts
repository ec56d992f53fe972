import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../kit';
import { aadError } from '../http/errors';
import type { TokenStore } from '../http/tokens';
import type { SignedInUser, UserGrants } from '../http/user-grants';
import { type Form, resolveGrant } from './token-grants';

/** The app registration the emulated Entra ID tenant knows. */
export interface EmulatorCredentials {
  /** The partner's tenant (the `{tenant}` path segment of the token endpoint). */
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /**
   * A fixed refresh token the `refresh_token` grant always accepts (the sandbox prints it for
   * `PARTNER_CENTER_REFRESH_TOKEN`); the consent flow issues real, expiring ones besides.
   */
  refreshToken: string;
}

const GRANTS = ['client_credentials', 'refresh_token', 'authorization_code'];

/**
 * The Microsoft identity platform token endpoints, v2 (`/{tenant}/oauth2/v2.0/token`, `scope`) and v1
 * (`/{tenant}/oauth2/token`, `resource`), for the `client_credentials`, `authorization_code` and `refresh_token`
 * grants. Errors are the AADSTS-style bodies Entra ID sends (400 for request errors, 401 for a bad client secret).
 */
export function registerTokenRoutes(
  app: FastifyInstance,
  deps: {
    clock: Clock;
    tokens: TokenStore;
    grants: UserGrants;
    user: SignedInUser;
    credentials: () => EmulatorCredentials;
  },
) {
  const handler = (version: 'v1' | 'v2') => async (request: FastifyRequest, reply: FastifyReply) => {
    const { tenant } = request.params as { tenant: string };
    const form = (request.body ?? {}) as Form;
    const creds = deps.credentials();
    const now = deps.clock.now();
    const fail = (status: 400 | 401, error: string, code: number, text: string) =>
      aadError(reply, status, error, code, text, now);
    const missing = (name: string) =>
      fail(
        400,
        'invalid_request',
        900144,
        `The request body must contain the following parameter: '${name}'.`,
      );
    if (tenant.toLowerCase() !== creds.tenantId.toLowerCase()) {
      return fail(
        400,
        'invalid_request',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    const grant = form.grant_type;
    if (!grant) return missing('grant_type');
    if (!GRANTS.includes(grant))
      return fail(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    if (!form.client_id) return missing('client_id');
    if (form.client_id !== creds.clientId) {
      return fail(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${form.client_id}' was not found in the directory '${tenant}'.`,
      );
    }
    if (!form.client_secret) {
      return fail(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    if (form.client_secret !== creds.clientSecret) {
      return fail(
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${creds.clientId}'.`,
      );
    }
    const resolved = resolveGrant(version, grant, form, {
      clock: deps.clock,
      grants: deps.grants,
      staticRefreshToken: creds.refreshToken,
      defaultUser: deps.user,
      clientId: creds.clientId,
      tenant: creds.tenantId,
    });
    if (!resolved.ok) {
      const f = resolved.failure;
      return fail(f.status, f.error, f.code, f.text);
    }
    const { audience, user, refreshToken, idToken } = resolved.value;
    const { token, expiresIn, expiresOn } = deps.tokens.issue(audience, creds.clientId, creds.tenantId, user);
    const extra = {
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      ...(idToken ? { id_token: idToken } : {}),
    };
    if (version === 'v2') {
      return {
        token_type: 'Bearer',
        ...(user ? { scope: `${audience}/user_impersonation` } : {}),
        expires_in: expiresIn,
        ext_expires_in: expiresIn,
        access_token: token,
        ...extra,
      };
    }
    // v1 writes its numbers as strings.
    const nowS = Math.floor(deps.clock.nowMs() / 1000);
    return {
      token_type: 'Bearer',
      expires_in: String(expiresIn),
      ext_expires_in: String(expiresIn),
      expires_on: String(expiresOn),
      not_before: String(nowS),
      resource: audience,
      access_token: token,
      ...extra,
    };
  };
  app.post('/:tenant/oauth2/v2.0/token', handler('v2'));
  app.post('/:tenant/oauth2/token', handler('v1'));
}
