import { createClock } from '../kit';
import { createPax8Emulator, type Pax8Emulator, type Pax8EmulatorOptions } from './create-emulator';
import { PARTNER_AUDIENCE } from './http/auth-routes';
import { DEMO_CREDENTIALS } from './seed/demo';

/** Frozen test "today" of the emulator test suites (the demo's 12 months end the month before). */
export const TEST_NOW = '2026-03-15T09:00:00Z';

// biome-ignore lint/suspicious/noExplicitAny: API answers in tests are loosely typed JSON, checked by assertions.
export type Json = any;

export interface TestResponse<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestEmulator extends Pax8Emulator {
  base: string;
  /** Delays the emulator asked for (slow faults), in order. */
  slept: number[];
  /** A token for the given (default: demo) credentials and the partner audience. */
  token(credentials?: { clientId: string; clientSecret: string }, audience?: string): Promise<string>;
  /** `GET|… {base}/v1{path}` with a bearer token (fetched, reused until it expires), or the given headers. */
  api<T = Json>(method: string, path: string, headers?: Record<string, string>): Promise<TestResponse<T>>;
  /** Calls a path on the emulator without adding credentials. */
  raw<T = Json>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<TestResponse<T>>;
}

/** A listening emulator on a free port with a frozen clock and no real sleeping. */
export async function startTestEmulator(
  options: Pax8EmulatorOptions & { credentials?: { clientId: string; clientSecret: string } } = {},
): Promise<TestEmulator> {
  const slept: number[] = [];
  const emulator = createPax8Emulator({
    clock: createClock({ start: TEST_NOW }),
    sleep: async (ms) => {
      slept.push(ms);
    },
    ...options,
  });
  const base = await emulator.listen(0);
  const raw = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Non-JSON answers stay text.
    }
    return { status: res.status, body: parsed as Json, headers: res.headers };
  };
  const creds = options.credentials ?? DEMO_CREDENTIALS;
  const token = async (c = creds, audience = PARTNER_AUDIENCE) => {
    const res = await raw('POST', '/v1/token', {
      client_id: c.clientId,
      client_secret: c.clientSecret,
      audience,
      grant_type: 'client_credentials',
    });
    if (res.status !== 200) throw new Error(`token: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.access_token as string;
  };
  // The cached token is renewed when the emulator clock passes its expiry (tests move the clock by months).
  let cached: { token: string; expiresAtMs: number } | undefined;
  return Object.assign(emulator, {
    base,
    slept,
    raw,
    token,
    async api(method: string, path: string, headers?: Record<string, string>) {
      if (!headers && (!cached || emulator.clock.nowMs() >= cached.expiresAtMs)) {
        cached = {
          token: await token(),
          expiresAtMs: emulator.clock.nowMs() + emulator.ctx.rules.tokenTtlSeconds * 1000,
        };
      }
      return raw(method, `/v1${path}`, undefined, headers ?? { Authorization: `Bearer ${cached?.token}` });
    },
  });
}
