import type { FastifyReply } from 'fastify';

/**
 * Partner Center's error body (learn.microsoft.com partner-center/developer/error-codes): `code` and
 * `description` always, `data` for some errors, `source` always. The codes used here are illustrative.
 */
export function pcError(
  reply: FastifyReply,
  status: number,
  code: string,
  description: string,
  data: unknown[] = [],
) {
  return reply.code(status).send({ code, description, data, source: 'PartnerFD' });
}

/** 401 of the Partner Center API, with the `WWW-Authenticate` header the docs show. */
export function pcUnauthorized(reply: FastifyReply, description: string) {
  reply.header('WWW-Authenticate', 'OAuth realm=urn:cpsvc:cpid:emulator');
  return pcError(reply, 401, '401', description);
}

/** The body of an injected fault (429/500/503) in Partner Center's shape. */
export function faultBody(kind: '429' | '500' | '503') {
  const description =
    kind === '429'
      ? 'Too many requests. Retry after the time in the Retry-After header.'
      : `Service error (HTTP ${kind}).`;
  return { code: kind, description, data: [], source: 'PartnerFD' };
}

/**
 * Microsoft Entra ID (AAD) token-endpoint error body: `error`, `error_description` starting with the AADSTS code,
 * `error_codes`, `timestamp`, `trace_id`, `correlation_id`, `error_uri`.
 */
export function aadError(
  reply: FastifyReply,
  status: 400 | 401,
  error: string,
  aadsts: number,
  text: string,
  now: Date,
) {
  const traceId = '00000000-0000-4000-8000-00000000e001';
  const correlationId = '00000000-0000-4000-8000-00000000c001';
  const timestamp = now
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return reply.code(status).send({
    error,
    error_description: `AADSTS${aadsts}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [aadsts],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
  });
}
