import { versionNumber } from '../schema/types';
import { badRequest } from './errors';

const VENDOR_TYPE = 'application/vnd.connectwise.com+json';

export interface Served {
  /** The model version of the answer, e.g. `2022.1`. */
  text: string;
  number: number;
}

/**
 * The model version a request asks for (§1.5): `Accept: application/vnd.connectwise.com+json; version=2022.1`
 * (other media ranges may follow, as connectwise-rest sends `, application/json`). Without a version the
 * server's newest models answer; a newer version than the server's gets the server's (a version pins models,
 * it cannot conjure newer ones). A malformed version is a 400 (emulator's choice).
 */
export function servedVersion(accept: string | undefined, serverVersion: string): Served {
  const server = versionNumber(serverVersion) as number;
  const latest = { text: serverVersion, number: server };
  if (!accept) return latest;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((s) => s.trim());
    if (type.toLowerCase() !== VENDOR_TYPE) continue;
    const param = params.find((p) => p.toLowerCase().startsWith('version='));
    if (!param) return latest;
    const text = param.slice('version='.length).trim();
    const n = versionNumber(text);
    if (n === undefined) throw badRequest(`The requested API version '${text}' is not valid.`);
    return n >= server ? latest : { text, number: n };
  }
  return latest;
}

/** `Content-Type` of JSON answers: plain JSON, or the vendor type the spec declares (rules.contentType, UNVERIFIED). */
export function contentType(kind: 'json' | 'vendor', served: Served): string {
  return kind === 'json'
    ? 'application/json; charset=utf-8'
    : `${VENDOR_TYPE}; version=${served.text}; charset=utf-8`;
}
