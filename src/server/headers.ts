import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The web app's Content-Security-Policy: its own scripts only (the Vite build has no inline script), styles from
 * itself plus inline ones (Mantine injects its CSS variables as <style> elements and uses style attributes),
 * images from itself and data: URLs (the favicon), requests to itself; not framable, no plugins, no <base>.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The API documentation (Swagger UI) brings its own CSP with hashes of its inline code; made unframable. */
export function docsCsp(header: string): string {
  return header
    .replace(/frame-ancestors [^;]*/, "frame-ancestors 'none'")
    .replace(/\s*upgrade-insecure-requests;?/, '')
    .trim();
}

/**
 * Security headers on every answer (pages, assets, API, errors): the CSP unless the route set its own,
 * nosniff, no Referer to other sites, no framing (X-Frame-Options for old browsers), own browsing context.
 */
export const securityHeaders = fp(async (app: FastifyInstance) => {
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', APP_CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    return payload;
  });
});
