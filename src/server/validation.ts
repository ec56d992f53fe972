import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';

/** Body limits per route (Fastify `bodyLimit`): nothing the API takes needs megabytes. */
export const BODY_LIMIT = {
  /** Every route unless it says otherwise. */
  default: 64 * 1024,
  /** Sign-in and setup: an email, a password (at most 1,000 characters) and a workspace name. */
  signIn: 16 * 1024,
  /** Customer syncs and previews: up to 5,000 tenant ids. */
  customerList: 256 * 1024,
} as const;

/** At most this many validation issues are reported, each message cut to MAX_MESSAGE characters. */
export const MAX_ISSUES = 10;
const MAX_MESSAGE = 200;

/** The number of issues a capped validation error had before capping (the error array carries it). */
export const TOTAL_ISSUES: unique symbol = Symbol('totalIssues');

export type CappedIssues = FastifySchemaValidationError[] & { [TOTAL_ISSUES]?: number };

const clip = (text: unknown) => {
  const s = String(text ?? '');
  return s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}...` : s;
};

/**
 * The zod validator compiler, with its answer capped: a body with thousands of problems (unknown keys, wrong
 * values) gets the first MAX_ISSUES of them, each message short, and the total; never an answer larger than
 * the request. Issue params (which can hold every unknown key) are dropped.
 */
export const cappedValidatorCompiler: FastifySchemaCompiler<ZodType> = (routeSchema) => {
  const validate = validatorCompiler(routeSchema) as (data: unknown) => {
    value?: unknown;
    error?: FastifySchemaValidationError[];
  };
  return (data: unknown) => {
    const result = validate(data);
    if (!Array.isArray(result.error)) return result;
    const all = result.error;
    // Spreading keeps the issues' symbol keys (fastify-type-provider-zod recognizes its errors by one).
    const capped: CappedIssues = all.slice(0, MAX_ISSUES).map((issue) => ({
      ...issue,
      params: {},
      message: clip(issue.message),
      instancePath: clip(issue.instancePath),
    }));
    capped[TOTAL_ISSUES] = all.length;
    return { error: capped };
  };
};

/** "(3,000 problems; the first 10 are listed)" for a capped validation error with more than one issue. */
export function issueCountNote(validation: CappedIssues): string {
  const total = validation[TOTAL_ISSUES] ?? validation.length;
  if (total <= 1) return '';
  const listed = Math.min(total, MAX_ISSUES);
  return ` (${total.toLocaleString('en-US')} problems; ${listed === total ? 'all' : `the first ${listed}`} listed)`;
}
