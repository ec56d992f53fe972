import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntegrationError } from '../core/integration-error';
import { createHttpClient } from './http-client';
import { allowLocalPsa, checkVendorUrl, isVendorHostUrl } from './url-policy';

const strict = { allowLocal: false };
const local = { allowLocal: true };

describe('the URL policy of PSA and source URLs', () => {
  it('Autotask: https on *.autotask.net, standard port, no user info', () => {
    for (const ok of [
      'https://webservices3.autotask.net/ATServicesRest/',
      'https://WEBSERVICES14.AUTOTASK.NET/atservicesrest/v1.0',
      'https://webservices.autotask.net',
    ]) {
      expect(checkVendorUrl('autotask', ok, strict).ok, ok).toBe(true);
    }
    const refused = {
      'http://webservices3.autotask.net/ATServicesRest/': /is not https/,
      'https://evil.example/ATServicesRest/':
        /not on Autotask's hosts: Autotask URLs must be https on \*\.autotask\.net$/,
      'https://autotask.net.evil.example/': /not on Autotask's hosts/,
      'https://webservices3.autotask.net@evil.example/': /user name or password/,
      'https://evil.example#.autotask.net': /not on Autotask's hosts/,
      'https://user:pw@webservices3.autotask.net/': /user name or password/,
      'https://webservices3.autotask.net:8443/': /names a port/,
      'http://169.254.169.254/latest/meta-data/': /not on Autotask's hosts/,
      'http://127.0.0.1:8081/ATServicesRest/':
        /loopback address, allowed only with BILLSYNC_ALLOW_LOCAL_PSA=1/,
      'http://2130706433/': /loopback address/,
      'file:///etc/passwd': /not on Autotask's hosts/,
      'webservices3.autotask.net': /is not a URL/,
    };
    for (const [url, why] of Object.entries(refused)) {
      const check = checkVendorUrl('autotask', url, strict);
      expect(check.ok, url).toBe(false);
      if (!check.ok) expect(check.problem, url).toMatch(why);
    }
  });

  it('loopback (http or https) only with BILLSYNC_ALLOW_LOCAL_PSA=1; other local hosts never', () => {
    for (const url of [
      'http://127.0.0.1:8081/',
      'http://localhost:3000',
      'https://[::1]:9/',
      'http://127.1.2.3',
    ]) {
      expect(checkVendorUrl('autotask', url, local).ok, url).toBe(true);
      expect(checkVendorUrl('autotask', url, strict).ok, url).toBe(false);
    }
    for (const url of [
      'http://10.0.0.5/',
      'http://192.168.1.1/',
      'http://0.0.0.0:8081/',
      'ftp://127.0.0.1/',
    ]) {
      expect(checkVendorUrl('autotask', url, local).ok, url).toBe(false);
    }
    expect(allowLocalPsa({ BILLSYNC_ALLOW_LOCAL_PSA: '1' })).toBe(true);
    expect(allowLocalPsa({ BILLSYNC_ALLOW_LOCAL_PSA: '0' })).toBe(false);
    expect(allowLocalPsa({})).toBe(false);
  });

  it('Partner Center and ConnectWise have their own hosts; an unknown vendor has none', () => {
    expect(isVendorHostUrl('partner-center', 'https://login.microsoftonline.com')).toBe(true);
    expect(isVendorHostUrl('partner-center', 'https://api.partnercenter.microsoft.com/v1')).toBe(true);
    expect(isVendorHostUrl('partner-center', 'https://api.partner.microsoft.com')).toBe(true);
    expect(isVendorHostUrl('partner-center', 'https://evil.microsoft.com.example')).toBe(false);
    expect(isVendorHostUrl('partner-center', 'https://webservices3.autotask.net')).toBe(false);
    expect(isVendorHostUrl('connectwise', 'https://na.myconnectwise.net')).toBe(true);
    expect(isVendorHostUrl('connectwise', 'https://na.myconnectwise.net.evil.example')).toBe(false);
    expect(checkVendorUrl(undefined, 'https://webservices3.autotask.net', local).ok).toBe(false);
    expect(checkVendorUrl(undefined, 'http://127.0.0.1:1/', local).ok).toBe(true);
  });
});

describe('the HTTP client keeps every request within its vendor policy', () => {
  let app: FastifyInstance;
  let base: string;
  let hits = 0;

  beforeAll(async () => {
    app = Fastify();
    app.get('/html', async (_req, reply) => reply.type('text/html').send('<h1>echo: the-stored-secret</h1>'));
    app.all('/*', async () => {
      hits += 1;
      return { url: 'https://attacker.example/' };
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  async function refusal(p: Promise<unknown>): Promise<IntegrationError> {
    const error = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(IntegrationError);
    return error as IntegrationError;
  }

  it('refuses a host outside the policy before sending anything (no credentials leave)', async () => {
    const client = createHttpClient({ vendor: 'autotask', allowLocalUrls: false, retry: { maxAttempts: 1 } });
    hits = 0;
    const error = await refusal(
      client.request({
        method: 'GET',
        url: `${base}/ATServicesRest/V1.0/ThresholdInformation`,
        headers: { Secret: 'the-stored-secret' },
        query: { secret: 'in-the-query' },
      }),
    );
    expect(hits).toBe(0);
    expect(error.kind).toBe('validation');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^billsync refused to send GET http:\/\/127\.0\.0\.1:\d+\/ATServicesRest/);
    expect(error.message).toMatch(/allowed only with BILLSYNC_ALLOW_LOCAL_PSA=1/);
    expect(JSON.stringify(error)).not.toContain('in-the-query');
    await refusal(client.request({ method: 'GET', url: 'https://attacker.example/x' }));
  });

  it('reaches a loopback emulator when local URLs are allowed, and never echoes a body it cannot read', async () => {
    const client = createHttpClient({ vendor: 'autotask', allowLocalUrls: true, retry: { maxAttempts: 1 } });
    hits = 0;
    const res = await client.request({ method: 'GET', url: `${base}/anything` });
    expect(hits).toBe(1);
    expect(res.json()).toEqual({ url: 'https://attacker.example/' });
    // A client of no known vendor may only reach loopback addresses.
    const other = createHttpClient({ vendor: 'test', allowLocalUrls: true });
    await refusal(other.request({ method: 'GET', url: 'https://webservices3.autotask.net/' }));
    const html = await client.request({ method: 'GET', url: `${base}/html` });
    const notJson = await refusal(Promise.resolve().then(() => html.json()));
    expect(notJson.kind).toBe('protocol');
    expect(notJson.message).toMatch(/expected JSON, got text\/html \(32 characters\)$/);
    expect(notJson.message).not.toContain('the-stored-secret');
  });
});
