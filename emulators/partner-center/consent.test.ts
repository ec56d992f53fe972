import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createClock } from '../kit';
import {
  createPartnerCenterEmulator,
  DEMO_CREDENTIALS,
  type PartnerCenterEmulator,
  type PartnerCenterEmulatorOptions,
} from './index';

const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));
const { tenantId, clientId, clientSecret } = DEMO_CREDENTIALS;
const REDIRECT = 'https://billsync.example.com/api/connections/partner-center/consent/callback';
const SCOPE = 'https://api.partnercenter.microsoft.com/user_impersonation offline_access openid profile';
const VERIFIER = 'a-long-enough-pkce-code-verifier-0123456789-abcdefghijklmnop';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');
const DAY = 86_400_000;

let emu: PartnerCenterEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function start(options: PartnerCenterEmulatorOptions = {}) {
  emu = createPartnerCenterEmulator({
    seedDir: FIXTURES,
    clock: createClock({ start: '2025-09-10T09:00:00Z' }),
    ...options,
  });
  return { base: await emu.listen(), emu };
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
  redirect: 'manual' as const,
});

const authorizeParams = (extra: Record<string, string> = {}) => ({
  client_id: clientId,
  response_type: 'code',
  redirect_uri: REDIRECT,
  scope: SCOPE,
  state: 'the-state',
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
  ...extra,
});

/** Signs in on the consent page and answers its form; the Location the browser is sent to. */
async function consent(base: string, decision = 'accept', extra: Record<string, string> = {}): Promise<URL> {
  const url = `${base}/${tenantId}/oauth2/v2.0/authorize`;
  const page = await fetch(`${url}?${new URLSearchParams(authorizeParams(extra))}`);
  expect(page.status).toBe(200);
  expect(await page.text()).toMatch(/<button type="submit" name="decision" value="accept">Accept<\/button>/);
  const res = await fetch(
    url,
    form({ ...authorizeParams(extra), account: 'agent@partner.example', decision }),
  );
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') ?? '');
}

const tokenRequest = (base: string, fields: Record<string, string>) =>
  fetch(
    `${base}/${tenantId}/oauth2/v2.0/token`,
    form({ client_id: clientId, client_secret: clientSecret, ...fields }),
  );

const redeem = (base: string, code: string, extra: Record<string, string> = {}) =>
  tokenRequest(base, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT,
    code_verifier: VERIFIER,
    scope: SCOPE,
    ...extra,
  });

const refresh = (base: string, token: string, scope = 'https://api.partner.microsoft.com/.default') =>
  tokenRequest(base, { grant_type: 'refresh_token', refresh_token: token, scope });

const errorOf = async (res: Response) => {
  const json = (await res.json()) as { error: string; error_codes: number[]; error_description: string };
  return { status: res.status, error: json.error, code: json.error_codes[0], text: json.error_description };
};

describe('Partner Center emulator: App+User consent', () => {
  it('signs in, sends the browser back with a code, and redeems it once for a refresh token (PKCE)', async () => {
    const { base } = await start();
    const back = await consent(base);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('the-state');
    const code = back.searchParams.get('code') ?? '';
    const ok = await redeem(base, code);
    expect(ok.status).toBe(200);
    const tokens = (await ok.json()) as Record<string, string>;
    expect(tokens).toMatchObject({ token_type: 'Bearer', refresh_token: expect.stringMatching(/^emu-rt\./) });
    const idPayload = JSON.parse(Buffer.from(tokens.id_token!.split('.')[1]!, 'base64url').toString());
    expect(idPayload.preferred_username).toBe('agent@partner.example');
    // A code is good once.
    expect(await errorOf(await redeem(base, code))).toMatchObject({ error: 'invalid_grant', code: 54005 });

    // The refresh token gets App+User tokens for the price sheet, and a new refresh token with each answer.
    const renewed = (await (await refresh(base, tokens.refresh_token!)).json()) as Record<string, string>;
    expect(renewed.refresh_token).not.toBe(tokens.refresh_token);
    const sheet = await fetch(
      `${base}/v1.0/sales/pricesheets(Market='US',PricesheetView='updatedlicensebased')/$value`,
      { headers: { authorization: `Bearer ${renewed.access_token}` } },
    );
    expect(sheet.status).toBe(200);
    // The old refresh token stays valid until its own expiry, as Entra ID's do.
    expect((await refresh(base, tokens.refresh_token!)).status).toBe(200);
  });

  it('refuses a wrong secret, a wrong code verifier, another redirect URI and an expired code as Entra ID does', async () => {
    const { base, emu } = await start();
    const code = async () => (await consent(base)).searchParams.get('code') ?? '';
    expect(await errorOf(await redeem(base, await code(), { client_secret: 'nope' }))).toMatchObject({
      status: 401,
      error: 'invalid_client',
      code: 7000215,
    });
    expect(await errorOf(await redeem(base, await code(), { code_verifier: 'other' }))).toMatchObject({
      error: 'invalid_grant',
      code: 50148,
    });
    expect(
      await errorOf(await redeem(base, await code(), { redirect_uri: 'https://elsewhere.example/cb' })),
    ).toMatchObject({ error: 'invalid_grant', code: 500112 });
    expect(await errorOf(await redeem(base, 'made-up'))).toMatchObject({
      error: 'invalid_grant',
      code: 9002313,
    });
    const late = await code();
    emu.clock.advance(11 * 60_000);
    expect(await errorOf(await redeem(base, late))).toMatchObject({ error: 'invalid_grant', code: 70008 });
  });

  it('expires refresh tokens 90 days after issue, and revokes them all on request', async () => {
    const { base, emu } = await start();
    const first = (await (
      await redeem(base, (await consent(base)).searchParams.get('code') ?? '')
    ).json()) as {
      refresh_token: string;
    };
    emu.clock.advance(89 * DAY);
    const renewed = (await (await refresh(base, first.refresh_token)).json()) as { refresh_token: string };
    emu.clock.advance(2 * DAY);
    const expired = await errorOf(await refresh(base, first.refresh_token));
    expect(expired).toMatchObject({ status: 400, error: 'invalid_grant', code: 700082 });
    expect(expired.text).toMatch(/^AADSTS700082: The refresh token has expired due to inactivity/);
    expect((await refresh(base, renewed.refresh_token)).status).toBe(200);
    expect(await (await fetch(`${base}/_emulator/refresh-tokens/revoke`, { method: 'POST' })).json()).toEqual(
      {
        revoked: 3,
      },
    );
    expect(await errorOf(await refresh(base, renewed.refresh_token))).toMatchObject({ code: 50173 });
  });

  it('sends a cancelled consent back with access_denied, and shows an error page for an unknown app or redirect URI', async () => {
    const { base } = await start({ redirectUris: [REDIRECT] });
    const back = await consent(base, 'cancel');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('error_description')).toMatch(/^AADSTS65004:/);
    expect(back.searchParams.get('state')).toBe('the-state');
    const url = `${base}/${tenantId}/oauth2/v2.0/authorize`;
    const unknown = await fetch(`${url}?${new URLSearchParams(authorizeParams({ client_id: 'other' }))}`);
    expect([unknown.status, await unknown.text()]).toEqual([400, expect.stringMatching(/AADSTS700016/)]);
    const elsewhere = await fetch(
      `${url}?${new URLSearchParams(authorizeParams({ redirect_uri: 'https://evil.example/cb' }))}`,
      { redirect: 'manual' },
    );
    expect([elsewhere.status, await elsewhere.text()]).toEqual([400, expect.stringMatching(/AADSTS50011/)]);
    const badScope = await fetch(`${url}?${new URLSearchParams(authorizeParams({ scope: 'openid' }))}`, {
      redirect: 'manual',
    });
    expect(new URL(badScope.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_scope');
  });

  it('refuses app-only tokens on the price sheet when told to, as Microsoft does', async () => {
    const { base } = await start({ priceSheetNeedsUser: true });
    const app = (await (
      await tokenRequest(base, {
        grant_type: 'client_credentials',
        scope: 'https://api.partner.microsoft.com/.default',
      })
    ).json()) as { access_token: string };
    const sheet = `${base}/v1.0/sales/pricesheets(Market='US',PricesheetView='updatedlicensebased')/$value`;
    const refused = await fetch(sheet, { headers: { authorization: `Bearer ${app.access_token}` } });
    expect(refused.status).toBe(403);
    const user = (await (await refresh(base, DEMO_CREDENTIALS.refreshToken)).json()) as {
      access_token: string;
    };
    expect((await fetch(sheet, { headers: { authorization: `Bearer ${user.access_token}` } })).status).toBe(
      200,
    );
  });
});
