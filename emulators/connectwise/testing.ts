import { createClock } from '../kit';
import {
  type ConnectWiseEmulator,
  type ConnectWiseEmulatorOptions,
  createConnectWiseEmulator,
} from './create-emulator';
import { DEMO_CREDENTIALS } from './demo/demo-seed';

/** Frozen test "today" of the emulator test suites. */
export const TEST_NOW = '2026-03-15T09:00:00Z';

export const API_ROOT = '/v4_6_release/apis/3.0';

export function basicAuth(company: string, publicKey: string, privateKey: string): string {
  return `Basic ${Buffer.from(`${company}+${publicKey}:${privateKey}`).toString('base64')}`;
}

export const DEMO_HEADERS: Record<string, string> = {
  Authorization: basicAuth(
    DEMO_CREDENTIALS.companyId,
    DEMO_CREDENTIALS.publicKey,
    DEMO_CREDENTIALS.privateKey,
  ),
  clientId: '3f1c2e4a-9b7d-4c11-8d2e-5a6b7c8d9e0f',
  Accept: 'application/vnd.connectwise.com+json; version=2025.8',
};

// biome-ignore lint/suspicious/noExplicitAny: API answers in tests are loosely typed JSON, checked by assertions.
export type Json = any;

export interface TestResponse<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestEmulator extends ConnectWiseEmulator {
  base: string;
  /** Delays the emulator asked for (base latency, slow faults), in order. */
  slept: number[];
  /** Calls `{base}/v4_6_release/apis/3.0{path}` with the demo credentials (or the given headers). */
  api<T = Json>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<TestResponse<T>>;
  /** Calls a full URL or a path on the emulator without adding credentials. */
  raw<T = Json>(
    method: string,
    pathOrUrl: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<TestResponse<T>>;
}

/** A listening emulator on a free port with a frozen clock and no real sleeping (delays are recorded). */
export async function startTestEmulator(options: ConnectWiseEmulatorOptions = {}): Promise<TestEmulator> {
  const slept: number[] = [];
  const emulator = createConnectWiseEmulator({
    clock: createClock({ start: TEST_NOW }),
    sleep: async (ms) => {
      slept.push(ms);
    },
    ...options,
  });
  const base = await emulator.listen(0);
  const raw = async (
    method: string,
    pathOrUrl: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${base}${pathOrUrl}`;
    const res = await fetch(url, {
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
  return Object.assign(emulator, {
    base,
    slept,
    raw,
    api: (method: string, path: string, body?: unknown, headers: Record<string, string> = DEMO_HEADERS) =>
      raw(method, `${API_ROOT}${path}`, body, headers),
  });
}

/** `conditions=...` etc., URL-encoded. */
export function q(params: Record<string, string | number>): string {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}
