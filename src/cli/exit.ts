import { AppError } from '../services/errors';

/**
 * Ends a command with an exit code after its output is printed: 2 "finished with warnings", 1 "errors". main()
 * prints the message (if any) like any error and returns the code.
 */
export class CliExit extends Error {
  readonly exitCode: number;
  readonly code: string;
  /** The command printed its result already: the message is a note on stderr, even with --json. */
  readonly afterOutput: boolean;

  constructor(exitCode: number, message = '', options: { code?: string; afterOutput?: boolean } = {}) {
    super(message);
    this.name = 'CliExit';
    this.exitCode = exitCode;
    this.code = options.code ?? 'error';
    this.afterOutput = options.afterOutput ?? false;
  }
}

/** A bad argument: exit 2 with the message (main() maps bad_request to the usage code). */
export function usage(message: string): AppError {
  return new AppError('bad_request', message);
}

const ON = new Set(['on', 'true', 'yes', '1']);
const OFF = new Set(['off', 'false', 'no', '0']);

export function parseOnOff(flag: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (ON.has(v)) return true;
  if (OFF.has(v)) return false;
  throw usage(`${flag} must be on or off, not "${value}"`);
}

export function parseChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  const v = value.trim().toLowerCase() as T;
  if (choices.includes(v)) return v;
  throw usage(`${flag} must be one of ${choices.join(', ')}, not "${value}"`);
}

export function parseCount(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw usage(`${flag} must be a whole number, not "${value}"`);
  return n;
}
