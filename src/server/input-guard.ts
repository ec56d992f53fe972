import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../services/errors';

/** Does `value` (a parsed query, params or JSON body) hold a NUL character in any string or key? */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => containsNul(v, depth + 1));
  return Object.entries(value).some(([k, v]) => k.includes('\u0000') || containsNul(v, depth + 1));
}

/**
 * PostgreSQL text cannot hold NUL (0x00): a query, path parameter or body with one answers 400 before any route
 * runs, instead of a database error (500). Runs after authentication and parsing, before validation.
 */
export const inputGuard = fp(async (app: FastifyInstance) => {
  app.addHook('preValidation', async (request) => {
    if (containsNul(request.params) || containsNul(request.query) || containsNul(request.body)) {
      throw new AppError(
        'bad_request',
        'The request contains a NUL character (\\u0000), which is never valid here',
      );
    }
  });
});
