/**
 * An expected failure of a use case, with a stable code from the API error table (src/server/errors.ts maps
 * codes to HTTP statuses). The message is for people: it says what happened and what to do.
 */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly details: unknown;
  /**
   * The command that helps, for the CLI only (e.g. "see `billsync runs`"): the message itself is shown in the web
   * app too, where a command means nothing, so commands never go into it.
   */
  readonly cliHint: string | undefined;

  constructor(code: AppErrorCode, message: string, details?: unknown, hints: { cli?: string } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.cliHint = hints.cli;
  }
}

/** An error's message as the CLI prints it: with its command hint when it has one. */
export function cliMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof AppError && error.cliHint ? `${message} (${error.cliHint})` : message;
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
