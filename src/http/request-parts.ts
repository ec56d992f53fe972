import type { HttpBody } from './types';

/** `base` + `path` (unless `path` is absolute) + the defined query parameters, in the given order. */
export function joinUrl(
  base: string | undefined,
  path: string,
  query?: Record<string, string | number | boolean | undefined>,
): string {
  const absolute = /^https?:\/\//i.test(path);
  if (!absolute && base === undefined) throw new TypeError(`relative URL without a baseUrl: ${path}`);
  let url = absolute ? path : `${base!.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  const pairs = Object.entries(query ?? {}).filter(
    (e): e is [string, string | number | boolean] => e[1] !== undefined,
  );
  if (pairs.length > 0) {
    const qs = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
    url += `${url.includes('?') ? '&' : '?'}${qs}`;
  }
  return url;
}

export function encodeBody(body: HttpBody | undefined): { payload: string; contentType: string } | undefined {
  if (body === undefined) return undefined;
  if ('json' in body) return { payload: JSON.stringify(body.json), contentType: 'application/json' };
  if ('form' in body) {
    return {
      payload: new URLSearchParams(body.form).toString(),
      contentType: 'application/x-www-form-urlencoded',
    };
  }
  return { payload: body.text, contentType: body.contentType ?? 'text/plain; charset=utf-8' };
}

/** undici's headers as a plain record with lower-case names; repeated headers joined with ", ". */
export function headerRecord(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}
