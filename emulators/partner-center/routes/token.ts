import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../../kit';
import { aadError } from '../http/errors';
import { PARTNER_API_AUDIENCE, PARTNER_CENTER_AUDIENCE, type TokenStore } from '../http/tokens';

/** The app registration the emulated Entra ID tenant knows. */
export interface EmulatorCredentials {
  /** The partner's tenant (the `{tenant}` path segment of the token endpoint). */
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Refresh token accepted by the `refresh_token` grant (App+User, needed for the price sheet in real life). */
  refreshToken: string;
}

const AUDIENCES = [PARTNER_CENTER_AUDIENCE, PARTNER_API_AUDIENCE];

type Form = Record<string, string | undefined>;

/** The audience a v2 `scope` names (`{aud}/.default` or `{aud}/user_impersonation`, plus optional offline_access). */
function audienceOfScope(scope: string): string | undefined {
  for (const part of scope.split(/\s+/)) {
    const m = /^(https:\/\/[^/]+)\/(\.default|user_impersonation)$/.exec(part);
    if (m && AUDIENCES.includes(m[1]!)) return m[1];
  }
  return undefined;
}

/**
 * The Microsoft identity platform token endpoints, v2 (`/{tenant}/oauth2/v2.0/token`, `scope`) and v1
 * (`/{tenant}/oauth2/token`, `resource`), for the `client_credentials` and `refresh_token` grants. Errors are the
 * AADSTS-style bodies Entra ID sends (400 for request errors, 401 for a bad client secret).
 */
export function registerTokenRoutes(
  app: FastifyInstance,
  deps: { clock: Clock; tokens: TokenStore; credentials: () => EmulatorCredentials },
) {
  const handler =
    (version: 'v1' | 'v2') => async (request: FastifyRequest, reply: import('fastify').FastifyReply) => {
      const { tenant } = request.params as { tenant: string };
      const form = (request.body ?? {}) as Form;
      const creds = deps.credentials();
      const now = deps.clock.now();
      const fail = (status: 400 | 401, error: string, code: number, text: string) =>
        aadError(reply, status, error, code, text, now);
      if (tenant.toLowerCase() !== creds.tenantId.toLowerCase()) {
        return fail(
          400,
          'invalid_request',
          90002,
          `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
        );
      }
      const grant = form.grant_type;
      if (!grant)
        return fail(
          400,
          'invalid_request',
          900144,
          "The request body must contain the following parameter: 'grant_type'.",
        );
      if (grant !== 'client_credentials' && grant !== 'refresh_token') {
        return fail(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
      }
      if (!form.client_id)
        return fail(
          400,
          'invalid_request',
          900144,
          "The request body must contain the following parameter: 'client_id'.",
        );
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
      let audience: string | undefined;
      if (version === 'v2') {
        if (!form.scope)
          return fail(
            400,
            'invalid_request',
            90014,
            "The required field 'scope' is missing from the credential.",
          );
        audience = audienceOfScope(form.scope);
        if (!audience)
          return fail(
            400,
            'invalid_scope',
            70011,
            `The provided value for the input parameter 'scope' is not valid. The scope ${form.scope} is not valid.`,
          );
      } else {
        audience = AUDIENCES.find((a) => a === form.resource?.replace(/\/$/, ''));
        if (!audience)
          return fail(
            400,
            'invalid_resource',
            500011,
            `The resource principal named ${form.resource ?? ''} was not found in the tenant named ${tenant}.`,
          );
      }
      if (grant === 'refresh_token' && form.refresh_token !== creds.refreshToken) {
        return fail(400, 'invalid_grant', 70000, "The provided value for the 'refresh_token' is not valid.");
      }
      const { token, expiresIn, expiresOn } = deps.tokens.issue(audience, creds.clientId, creds.tenantId);
      const refresh = grant === 'refresh_token' ? { refresh_token: creds.refreshToken } : {};
      if (version === 'v2') {
        return {
          token_type: 'Bearer',
          expires_in: expiresIn,
          ext_expires_in: expiresIn,
          access_token: token,
          ...refresh,
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
        ...refresh,
      };
    };
  app.post('/:tenant/oauth2/v2.0/token', handler('v2'));
  app.post('/:tenant/oauth2/token', handler('v1'));
}
