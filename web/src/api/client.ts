import { ApiError } from './api-error';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  method?: Method;
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
}

// The CSRF token lives in memory only; it comes from login, setup and GET /api/me.
let csrfToken: string | null = null;
let csrfRefresher: (() => Promise<string | null>) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** How to obtain a fresh token (GET /api/me) when the server rejects ours. */
export function setCsrfRefresher(refresh: () => Promise<string | null>): void {
  csrfRefresher = refresh;
}

/**
 * Calls the billsync API. Resolves with the decoded JSON body (undefined for 204) or rejects with an ApiError
 * carrying the server's message in words.
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  try {
    return await send<T>(path, options);
  } catch (error) {
    const method = options.method ?? 'GET';
    // A stale token (e.g. the session was renewed in another tab): refresh it once and repeat the request.
    // A rejected CSRF check means the server did nothing, so repeating is safe.
    if (method !== 'GET' && isCsrfRejection(error) && csrfRefresher) {
      const before = csrfToken;
      csrfToken = await csrfRefresher().catch(() => null);
      if (csrfToken && csrfToken !== before) return send<T>(path, options);
    }
    throw error;
  }
}

async function send<T>(path: string, options: RequestOptions): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error', 'Could not reach the billsync server. Check that it is running.');
  }

  if (response.status === 204) return undefined as T;
  const body = await readJson(response);
  if (response.ok) return body as T;
  throw toApiError(response, body);
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toApiError(response: Response, body: unknown): ApiError {
  const envelope = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
    ?.error;
  const code = typeof envelope?.code === 'string' ? envelope.code : `http_${response.status}`;
  const message =
    typeof envelope?.message === 'string' && envelope.message
      ? envelope.message
      : fallbackMessage(response.status);
  return new ApiError(response.status, code, message, envelope?.details);
}

function fallbackMessage(status: number): string {
  if (status === 401) return 'Your session has ended. Please sign in again.';
  if (status === 403) return 'You do not have permission to do this.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many requests. Please wait a moment and try again.';
  if (status >= 500) return `The billsync server had a problem (HTTP ${status}). Please try again.`;
  return `The request failed (HTTP ${status}).`;
}

function isCsrfRejection(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403 && /csrf/i.test(error.code);
}
