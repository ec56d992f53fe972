import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type AppErrorCode } from '../services/errors';

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

function fromFastify(error: FastifyError): { code: AppErrorCode; message: string; details?: unknown } {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const details = error.validation.map((v) => ({ path: v.instancePath, message: v.message }));
    const first = error.validation[0];
    const where = first?.instancePath
      ? ` (${first.instancePath.replace(/^\//, '').replaceAll('/', '.')})`
      : '';
    return {
      code: 'validation_failed',
      message: `The request is not valid: ${first?.message ?? 'bad input'}${where}`,
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
  if (status === 413) return { code: 'bad_request', message: 'The request body is too large' };
  if (status >= 400 && status < 500) return { code: 'bad_request', message: error.message };
  return { code: 'internal', message: 'Something went wrong on the server; the error has been logged' };
}

export function errorHandler(
  error: FastifyError | AppError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (error instanceof AppError) {
    const status = ERROR_STATUS[error.code];
    if (status >= 500) request.log.error({ err: error }, error.message);
    void reply.status(status).send(envelope(error.code, error.message, error.details));
    return;
  }
  const mapped = fromFastify(error);
  const status = mapped.code === 'internal' ? 500 : ERROR_STATUS[mapped.code];
  if (status >= 500) request.log.error({ err: error }, 'unhandled error');
  void reply.status(status).send(envelope(mapped.code, mapped.message, mapped.details));
}
