/**
 * An expected failure of a use case, with a stable code from the API error table (src/server/errors.ts maps
 * codes to HTTP statuses). The message is for people: it says what happened and what to do.
 */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly details: unknown;

  constructor(code: AppErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export type AppErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'csrf_failed'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'setup_done'
  | 'rate_limited'
  | 'integration_failed'
  | 'unavailable'
  | 'internal';
