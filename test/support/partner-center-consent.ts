import type { Clock } from '../../src/core/time/clock';
import type { PlainDate } from '../../src/core/time/plain-date';

/** A billsync clock the test moves (the app, the source refresher and the emulator share the instant). */
export interface MovableClock extends Clock {
  set(iso: string): void;
  advanceDays(days: number): void;
}

export function movableClock(start: string): MovableClock {
  let at = new Date(start).toISOString();
  return {
    now: () => at,
    today: () => at.slice(0, 10) as PlainDate,
    set(iso) {
      at = new Date(iso).toISOString();
    },
    advanceDays(days) {
      at = new Date(Date.parse(at) + days * 86_400_000).toISOString();
    },
  };
}

/**
 * What an admin's browser does on Microsoft's (the emulator's) consent page: loads it, then answers its form
 * (Accept or Cancel). Resolves to where the browser is sent next: billsync's redirect URI with code and state.
 */
export async function answerConsentPage(
  authorizeUrl: string,
  decision: 'accept' | 'cancel' = 'accept',
): Promise<URL> {
  const page = await fetch(authorizeUrl);
  if (page.status !== 200) throw new Error(`consent page: HTTP ${page.status} ${await page.text()}`);
  const url = new URL(authorizeUrl);
  const fields = Object.fromEntries(url.searchParams);
  const res = await fetch(`${url.origin}${url.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...fields, account: 'agent@partner.example', decision }).toString(),
    redirect: 'manual',
  });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`consent form: HTTP ${res.status}`);
  return new URL(location);
}

/** The `name=value` of a Set-Cookie header list. */
export function cookieOf(setCookie: unknown, name: string): string | undefined {
  const list = Array.isArray(setCookie) ? setCookie : [setCookie];
  const found = list.find((c) => typeof c === 'string' && c.startsWith(`${name}=`));
  return found ? String(found).split(';')[0] : undefined;
}
