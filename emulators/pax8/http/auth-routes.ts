/**
 * OAuth2 client credentials (§1.2): `POST /v1/token` (current docs), `/oauth/token` (the spec's tokenUrl on
 * token-manager.pax8.com and the Auth0 host login.pax8.com used by community clients; point either host here),
 * and the legacy camelCase `/auth/token`. Bearer checks for every `/v1` route.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isApiPath } from './api-routes';
import { sendError } from './errors';
import { mintToken, type Pax8Ctx } from './state';

export const PARTNER_AUDIENCE = 'https://api.pax8.com';
export const LEGACY_AUDIENCE = 'api://p8p.client';
/** Vendor audiences (§1.2): tokens are issued, but partner endpoints answer 403. */
const VENDOR_AUDIENCES = ['api://provisioning', 'api://usage'];

/** The documented token error (§1.2 DOC, AUTHSPEC example). */
const DENIED = { error: 'access_denied', error_description: 'Unauthorized' };

interface TokenRequest {
  clientId: unknown;
  clientSecret: unknown;
  audience: unknown;
  grantType: unknown;
}

function issue(ctx: Pax8Ctx, body: TokenRequest, reply: FastifyReply) {
  const { clientId, clientSecret, audience, grantType } = body;
  if (typeof clientId !== 'string' || typeof clientSecret !== 'string') {
    reply
      .code(400)
      .send({ error: 'invalid_request', error_description: 'client_id and client_secret are required' });
    return undefined;
  }
  if (grantType !== 'client_credentials') {
    reply
      .code(400)
      .send({ error: 'unsupported_grant_type', error_description: 'Only client_credentials is supported' });
    return undefined;
  }
  const known = ctx.seed.credentials.some((c) => c.clientId === clientId && c.clientSecret === clientSecret);
  const audiences = [
    PARTNER_AUDIENCE,
    ...(ctx.rules.legacyAudience === 'accept' ? [LEGACY_AUDIENCE] : []),
    ...VENDOR_AUDIENCES,
  ];
  if (!known || typeof audience !== 'string' || !audiences.includes(audience)) {
    reply.code(401).send(DENIED);
    return undefined;
  }
  return mintToken(ctx, clientId, audience);
}

const asObject = (body: unknown): Record<string, unknown> =>
  body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};

export function registerAuthRoutes(app: FastifyInstance, getCtx: () => Pax8Ctx) {
  const snake = async (request: FastifyRequest, reply: FastifyReply) => {
    const ctx = getCtx();
    const b = asObject(request.body);
    const minted = issue(
      ctx,
      { clientId: b.client_id, clientSecret: b.client_secret, audience: b.audience, grantType: b.grant_type },
      reply,
    );
    if (!minted) return reply;
    return {
      access_token: minted.token,
      expires_in: ctx.rules.tokenTtlSeconds,
      token_type: 'Bearer',
      // The current doc example's `expires_at` form (offset with a colon).
      expires_at: new Date(minted.expiresAtMs).toISOString().replace('Z', '+00:00'),
    };
  };
  app.post('/v1/token', snake);
  app.post('/oauth/token', snake);

  // Older doc version (§1.2): camelCase request and answer.
  app.post('/auth/token', async (request, reply) => {
    const ctx = getCtx();
    const b = asObject(request.body);
    const minted = issue(
      ctx,
      { clientId: b.clientId, clientSecret: b.clientSecret, audience: b.audience, grantType: b.grantType },
      reply,
    );
    if (!minted) return reply;
    return {
      token: minted.token,
      expiresIn: ctx.rules.tokenTtlSeconds,
      tokenType: 'Bearer',
      expiresAt: new Date(minted.expiresAtMs).toISOString().replace('Z', '+00:00'),
    };
  });

  // Bearer check before every API handler (faults and the request log run earlier, on request).
  app.addHook('preHandler', async (request, reply) => {
    if (!isApiPath(request.url)) return;
    const ctx = getCtx();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const token = match ? ctx.tokens.get(match[1] as string) : undefined;
    if (!token) return sendError(reply, request, 401, 'UNAUTHORIZED', 'No valid API key provided.');
    if (ctx.clock.nowMs() >= token.expiresAtMs)
      return sendError(reply, request, 401, 'UNAUTHORIZED', 'The access token has expired.');
    if (token.audience !== PARTNER_AUDIENCE && token.audience !== LEGACY_AUDIENCE)
      return sendError(
        reply,
        request,
        403,
        'FORBIDDEN',
        "The API key doesn't have permissions to perform the request.",
      );
    // A token minted under the legacy audience stops working if the switch is turned to reject it.
    if (token.audience === LEGACY_AUDIENCE && ctx.rules.legacyAudience === 'reject')
      return sendError(reply, request, 401, 'UNAUTHORIZED', 'No valid API key provided.');
  });
}
