import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import viteConfig from '../../web/vite.config';
import type { TestApp } from '../support/app';
import { createSecureTestApp } from '../support/secure-app';

// Pen test item 13: security headers on the web app, no source maps in production.
let t: TestApp;
const webDist = mkdtempSync(join(tmpdir(), 'billsync-web-'));

beforeAll(async () => {
  mkdirSync(join(webDist, 'assets'));
  writeFileSync(join(webDist, 'index.html'), '<!doctype html><title>billsync</title>');
  writeFileSync(
    join(webDist, 'assets', 'index-abc.js'),
    'console.log(1);\n//# sourceMappingURL=index-abc.js.map',
  );
  writeFileSync(join(webDist, 'assets', 'index-abc.js.map'), '{"version":3,"sources":["../src/secret.ts"]}');
  t = await createSecureTestApp({ webDist });
});
afterAll(async () => {
  await t.close();
  rmSync(webDist, { recursive: true, force: true });
});

const directives = (csp: unknown) =>
  new Map(
    String(csp)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );

describe('security headers', () => {
  it.each(['/', '/customers', '/assets/index-abc.js', '/api/setup', '/api/me', '/health'])(
    '%s has a CSP with frame-ancestors, nosniff and a referrer policy',
    async (url) => {
      const res = await t.app.inject({ url });
      const csp = directives(res.headers['content-security-policy']);
      expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
      expect(csp.get('object-src')).toEqual(["'none'"]);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
    },
  );

  it("the app's CSP runs only its own scripts", async () => {
    const csp = directives((await t.app.inject({ url: '/' })).headers['content-security-policy']);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('base-uri')).toEqual(["'self'"]);
    expect(csp.get('form-action')).toEqual(["'self'"]);
  });

  it('the API documentation keeps working under its own CSP, still not framable', async () => {
    const res = await t.app.inject({ url: '/docs/' });
    expect(res.statusCode).toBe(200);
    const csp = directives(res.headers['content-security-policy']);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.has('upgrade-insecure-requests')).toBe(false);
  });
});

describe('source maps', () => {
  it('are never served, even when a build left one in web/dist', async () => {
    expect((await t.app.inject({ url: '/assets/index-abc.js' })).statusCode).toBe(200);
    const res = await t.app.inject({ url: '/assets/index-abc.js.map' });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('secret.ts');
  });

  it('are not made by the production build', () => {
    const config = viteConfig as { build?: { sourcemap?: unknown } };
    expect(config.build?.sourcemap).toBe(false);
  });
});
