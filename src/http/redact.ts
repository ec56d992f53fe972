/** Header names whose values never appear in errors or logs (compared lower-case). */
export const DEFAULT_SECRET_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'apikey',
  'secret',
  'apiintegrationcode',
  'ocp-apim-subscription-key',
];

/** Query/form parameter names whose values are masked in URLs (compared lower-case). */
export const DEFAULT_SECRET_PARAMS: readonly string[] = [
  'client_secret',
  'secret',
  'password',
  'access_token',
  'refresh_token',
  'id_token',
  'code',
  'sig',
  'token',
  'api_key',
  'apikey',
  'key',
];

export const MASK = '[redacted]';

export interface Redactor {
  headers(headers: Record<string, string>): Record<string, string>;
  url(url: string): string;
  text(text: string): string;
}

/**
 * Masks secrets: values of secret headers, secret query parameters, bearer tokens, and any literal secret value the
 * caller registered (a client secret, the current access token) wherever it appears.
 */
export function createRedactor(options: {
  headers?: readonly string[];
  params?: readonly string[];
  values?: () => readonly string[];
}): Redactor {
  const headerNames = new Set(
    [...DEFAULT_SECRET_HEADERS, ...(options.headers ?? [])].map((h) => h.toLowerCase()),
  );
  const paramNames = new Set(
    [...DEFAULT_SECRET_PARAMS, ...(options.params ?? [])].map((p) => p.toLowerCase()),
  );
  const text = (input: string): string => {
    let out = input.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${MASK}`);
    // Form bodies and query strings echoed in vendor messages: name=value.
    out = out.replace(/([?&\s"']|^)([A-Za-z_][\w.-]*)=([^&\s"']+)/g, (m, pre: string, name: string) =>
      paramNames.has(name.toLowerCase()) ? `${pre}${name}=${MASK}` : m,
    );
    for (const value of options.values?.() ?? []) {
      if (value.length >= 6) out = out.split(value).join(MASK);
    }
    return out;
  };
  return {
    headers(headers) {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(headers))
        out[k] = headerNames.has(k.toLowerCase()) ? MASK : text(v);
      return out;
    },
    url(url) {
      const q = url.indexOf('?');
      if (q === -1) return text(url);
      const params = new URLSearchParams(url.slice(q + 1));
      const masked = [...params.entries()]
        .map(
          ([k, v]) =>
            `${encodeURIComponent(k)}=${paramNames.has(k.toLowerCase()) ? MASK : encodeURIComponent(v)}`,
        )
        .join('&');
      return text(`${url.slice(0, q)}?${masked}`);
    },
    text,
  };
}
