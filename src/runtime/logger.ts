import type { LoggerOptions } from 'pino';

/**
 * Paths pino blanks in every log line: credentials must never reach a log (session cookies, vendor secrets,
 * passwords, API keys, CSRF tokens), whatever object they travel in.
 */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers.secret',
  'req.headers.apiintegrationcode',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'password',
  'secret',
  'credentials',
  '*.password',
  '*.secret',
  '*.privateKey',
  '*.clientSecret',
  '*.apiIntegrationCode',
  '*.integrationCode',
  '*.credentials',
  '*.token',
  '*.accessToken',
];

export function loggerOptions(level: string): LoggerOptions {
  return { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
}
