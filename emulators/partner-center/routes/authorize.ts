import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { consentPage, errorPage } from '../http/authorize-page';
import type { SignedInUser, UserGrants } from '../http/user-grants';
import type { EmulatorCredentials } from './token';
import { audienceOfScope } from './token-grants';

type Params = Record<string, string | undefined>;

/** What is wrong with an authorize request: shown as a page, or sent back to the app's redirect URI. */
type Check =
  | { ok: true; redirectUri: string; scope: string }
  | { ok: false; page: { code: number; text: string } }
  | { ok: false; back: { redirectUri: string; error: string; code: number; text: string } };

export interface AuthorizeDeps {
  grants: UserGrants;
  user: SignedInUser;
  credentials: () => EmulatorCredentials;
  /** Registered redirect URIs; undefined = any http(s) URL is accepted. */
  redirectUris: readonly string[] | undefined;
}

function validate(tenant: string, q: Params, d: AuthorizeDeps): Check {
  const creds = d.credentials();
  if (tenant.toLowerCase() !== creds.tenantId.toLowerCase())
    return { ok: false, page: { code: 90002, text: `Tenant '${tenant}' not found.` } };
  if (!q.client_id)
    return {
      ok: false,
      page: { code: 900144, text: "The request body must contain the following parameter: 'client_id'." },
    };
  if (q.client_id !== creds.clientId)
    return {
      ok: false,
      page: {
        code: 700016,
        text: `Application with identifier '${q.client_id}' was not found in the directory '${tenant}'.`,
      },
    };
  const uri = q.redirect_uri ?? '';
  const registered = d.redirectUris ? d.redirectUris.includes(uri) : /^https?:\/\/[^\s]+$/i.test(uri);
  if (!registered)
    return {
      ok: false,
      page: {
        code: 50011,
        text: `The redirect URI '${uri}' specified in the request does not match the redirect URIs configured for the application '${creds.clientId}'.`,
      },
    };
  const back = (error: string, code: number, text: string): Check => ({
    ok: false,
    back: { redirectUri: uri, error, code, text },
  });
  if (q.response_type !== 'code')
    return back(
      'unsupported_response_type',
      700054,
      `response_type '${q.response_type ?? ''}' is not enabled for the application.`,
    );
  if (!q.scope || !audienceOfScope(q.scope))
    return back(
      'invalid_scope',
      70011,
      `The provided value for the input parameter 'scope' is not valid. The scope ${q.scope ?? ''} is not valid.`,
    );
  return { ok: true, redirectUri: uri, scope: q.scope };
}

function redirectBack(reply: FastifyReply, redirectUri: string, params: Record<string, string | undefined>) {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return reply.redirect(url.toString(), 302);
}

/**
 * The OAuth 2.0 authorization endpoint of the emulated Entra ID (v2, `/{tenant}/oauth2/v2.0/authorize`):
 * GET shows the sign-in and consent page, its form POSTs back; Accept sends the browser to the app's redirect
 * URI with `code`, `state` and `session_state`, Cancel with `error=access_denied` (AADSTS65004). Requests that
 * cannot go back (wrong tenant, unknown app, unregistered redirect URI) get Entra ID's error page.
 */
export function registerAuthorizeRoutes(app: FastifyInstance, deps: AuthorizeDeps) {
  const handle = (request: FastifyRequest, reply: FastifyReply, params: Params) => {
    const { tenant } = request.params as { tenant: string };
    const check = validate(tenant, params, deps);
    if (!check.ok && 'page' in check)
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(errorPage(check.page.code, check.page.text));
    if (!check.ok) {
      const b = check.back;
      return redirectBack(reply, b.redirectUri, {
        error: b.error,
        error_description: `AADSTS${b.code}: ${b.text}`,
        state: params.state,
      });
    }
    if (request.method === 'GET') {
      const forward = Object.fromEntries(
        Object.entries(params).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
      return reply.type('text/html; charset=utf-8').send(
        consentPage({
          action: request.url.split('?')[0] ?? '',
          clientId: params.client_id ?? '',
          tenant,
          scopes: check.scope.split(/\s+/),
          account: params.login_hint ?? deps.user.upn,
          params: forward,
        }),
      );
    }
    if (params.decision !== 'accept')
      return redirectBack(reply, check.redirectUri, {
        error: 'access_denied',
        error_description: 'AADSTS65004: User declined to consent to access the app.',
        state: params.state,
      });
    const code = deps.grants.issueCode({
      clientId: params.client_id ?? '',
      redirectUri: check.redirectUri,
      scope: check.scope,
      challenge: params.code_challenge,
      method: params.code_challenge_method,
      user: { upn: params.account || deps.user.upn, name: deps.user.name },
    });
    return redirectBack(reply, check.redirectUri, {
      code,
      state: params.state,
      session_state: '00000000-0000-4000-8000-0000000005e5',
    });
  };
  app.get('/:tenant/oauth2/v2.0/authorize', (request, reply) =>
    handle(request, reply, request.query as Params),
  );
  app.post('/:tenant/oauth2/v2.0/authorize', (request, reply) =>
    handle(request, reply, (request.body ?? {}) as Params),
  );
}
