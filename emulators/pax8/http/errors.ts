import type { FastifyReply, FastifyRequest } from 'fastify';
import { pathOf } from '../../kit';

export type ErrorType =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'UNPROCESSABLE_ENTITY'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL_SERVER_ERROR'
  | 'SERVICE_UNAVAILABLE';

/**
 * The error envelope of the errors page (§1.6 DOC): `instance` is the gateway's internal path, `/v1/...` rewritten
 * to `/public/v1/...`.
 */
export function errorBody(request: FastifyRequest, status: number, type: ErrorType, message: string) {
  return { type, message, instance: `/public${pathOf(request.url)}`, status, details: [] as unknown[] };
}

export function sendError(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  type: ErrorType,
  message: string,
) {
  return reply.code(status).send(errorBody(request, status, type, message));
}
