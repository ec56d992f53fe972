import { createClock } from '../kit';
import {
  type AutotaskEmulator,
  type AutotaskEmulatorOptions,
  createAutotaskEmulator,
} from './create-emulator';
import { DEMO_CREDENTIALS } from './demo-seed';

/** Frozen test "today" of the emulator test suites. */
export const TEST_NOW = '2026-03-15T09:00:00Z';

export const DEMO_HEADERS = {
  ApiIntegrationCode: DEMO_CREDENTIALS.integrationCode,
  UserName: DEMO_CREDENTIALS.userName,
  Secret: DEMO_CREDENTIALS.secret,
};

// biome-ignore lint/suspicious/noExplicitAny: API answers in tests are loosely typed JSON, checked by assertions.
export type Json = any;

export interface TestResponse<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestEmulator extends AutotaskEmulator {
  base: string;
  /** Delays the emulator asked for (added latency, slow faults), in order. */
  slept: number[];
  /** Calls the API under `/ATServicesRest/V1.0` with the demo credentials (or the given headers). */
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
export async function startTestEmulator(options: AutotaskEmulatorOptions = {}): Promise<TestEmulator> {
  const slept: number[] = [];
  const emulator = createAutotaskEmulator({
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
      parsed = JSON.parse(text);
    } catch {
      // HTML pages stay text.
    }
    return { status: res.status, body: parsed as Json, headers: res.headers };
  };
  return Object.assign(emulator, {
    base,
    slept,
    raw,
    api: (method: string, path: string, body?: unknown, headers: Record<string, string> = DEMO_HEADERS) =>
      raw(method, `/ATServicesRest/V1.0${path}`, body, headers),
  });
}

/** `{"filter":[...everything...]}`. */
export const ALL = { filter: [{ op: 'gte', field: 'id', value: 0 }] };
