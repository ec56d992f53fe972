/** An error answer of the billsync API, decoded from `{ "error": { "code", "message", "details" } }`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** HTTP status; 0 when the server could not be reached at all. */
    readonly status: number,
    /** Machine-readable code, e.g. `invalid_credentials`, `rate_limited`, `unauthenticated`. */
    readonly code: string,
    /** Human-readable message from the server, safe to show as is. */
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

/** Words for any error, for alerts and notifications: never raw JSON. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Please try again.';
}
