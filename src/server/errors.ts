import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type AppErrorCode } from '../services/errors';
import { BODY_LIMIT, type CappedIssues, issueCountNote } from './validation';

/** The one table from error code to HTTP status. Every error the API answers uses one of these codes. */
export const ERROR_STATUS: Record<AppErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  csrf_failed: 403,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  setup_done: 409,
  rate_limited: 429,
  integration_failed: 502,
  unavailable: 503,
  internal: 500,
};

export interface ErrorEnvelope {
  error: { code: AppErrorCode; message: string; details?: unknown };
}

export function envelope(code: AppErrorCode, message: string, details?: unknown): ErrorEnvelope {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

function fromFastify(
  error: FastifyError,
  request: FastifyRequest,
): { code: AppErrorCode; message: string; details?: unknown } {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const details = error.validation.map((v) => ({ path: v.instancePath, message: v.message }));
    const first = error.validation[0];
    const where = first?.instancePath
      ? ` (${first.instancePath.replace(/^\//, '').replaceAll('/', '.')})`
      : '';
    return {
      code: 'validation_failed',
      message: `The request is not valid: ${first?.message ?? 'bad input'}${where}${issueCountNote(error.validation as unknown as CappedIssues)}`,
      details,
    };
  }
  const status = error.statusCode ?? 500;
  if (status === 429)
    return {
      code: 'rate_limited',
      message: error.message || 'Too many requests: wait a minute and try again',
    };
  if (status === 415)
    return { code: 'bad_request', message: 'Send the request body as JSON (Content-Type: application/json)' };
  if (status === 413) {
    const kib = Math.round((request.routeOptions.bodyLimit ?? BODY_LIMIT.default) / 1024);
    return {
      code: 'bad_request',
      message: `The request body is too large: this route takes at most ${kib} KiB`,
    };
  }
  if (status >= 400 && status < 500) return { code: 'bad_request', message: error.message.slice(0, 300) };
  return { code: 'internal', message: 'Something went wrong on the server; the error has been logged' };
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

/**
 * The database cannot be reached or is shutting down: the answer is 503 (try again), not 500. Node socket
 * errors, PostgreSQL's connection-exception class 08, shutdowns (57P01-57P03), too many connections (53300),
 * and node-postgres's own words for a lost or timed-out connection.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string') {
    if (CONNECTION_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300') {
      return true;
    }
  }
  if (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect/i.test(message)
  ) {
    return true;
  }
  // AggregateError (a host resolving to several addresses, all refused).
  return Array.isArray(errors) && errors.some(isDatabaseUnavailable);
}

function retryAfterOf(details: unknown): number | undefined {
  const seconds = (details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof seconds === 'number' ? seconds : undefined;
}

export function errorHandler(
  error: FastifyError | AppError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (!(error instanceof AppError) && isDatabaseUnavailable(error)) {
    request.log.error({ err: error }, 'database unavailable');
    void reply
      .status(503)
      .send(envelope('unavailable', 'The database is not reachable right now: try again in a moment'));
    return;
  }
  if (error instanceof AppError) {
    const status = ERROR_STATUS[error.code];
    if (status >= 500) request.log.error({ err: error }, error.message);
    const retryAfter = error.code === 'rate_limited' ? retryAfterOf(error.details) : undefined;
    if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
    void reply.status(status).send(envelope(error.code, error.message, error.details));
    return;
  }
  const mapped = fromFastify(error, request);
  const status = mapped.code === 'internal' ? 500 : ERROR_STATUS[mapped.code];
  if (status >= 500) request.log.error({ err: error }, 'unhandled error');
  void reply.status(status).send(envelope(mapped.code, mapped.message, mapped.details));
}
