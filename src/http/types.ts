import type { Readable } from 'node:stream';
import type { IntegrationError } from '../core/integration-error';

export type HttpMethod = 'GET' | 'HEAD' | 'OPTIONS' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A request body: raw text/bytes, JSON (serialized, `content-type: application/json`) or a urlencoded form. */
export type HttpBody =
  | { text: string; contentType?: string }
  | { json: unknown }
  | { form: Record<string, string> };

export interface HttpRequest {
  method: HttpMethod;
  /** Absolute URL, or a path joined to the client's `baseUrl`. */
  url: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  body?: HttpBody;
  /** Overrides the client's timeout (ms) for this request: until the whole body is read (headers when streaming). */
  timeoutMs?: number;
  /**
   * Safe to repeat even when the outcome is unknown (timeout, connection lost after sending). Default: true for
   * GET/HEAD/OPTIONS/PUT/DELETE, false for POST/PATCH. Say `true` for read-only POSTs (token, query endpoints).
   */
  idempotent?: boolean;
  /** Set to false to never retry this request. */
  retry?: boolean;
  /** Statuses answered as a response instead of a failure. Default: 200-299. */
  acceptStatus?: (status: number) => boolean;
}

/** A buffered response. Header names are lower-case. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON; a body that is not JSON throws an IntegrationError of kind `protocol`. */
  json<T = unknown>(): T;
  /** How many attempts it took (1 = no retry). */
  attempts: number;
}

/** A response whose body is read by the caller (large CSV downloads). */
export interface HttpStreamResponse {
  status: number;
  headers: Record<string, string>;
  body: Readable;
  attempts: number;
}

/**
 * Why a request failed, already redacted (URL query secrets, secret headers and known secret values are masked),
 * for the vendor's mapper to turn into an IntegrationError.
 */
export type HttpFailure =
  | {
      type: 'status';
      method: HttpMethod;
      url: string;
      status: number;
      headers: Record<string, string>;
      /** The start of the response body (at most 4,000 characters), redacted. */
      bodyText: string;
      /** Retry-After in seconds when the server sent one. */
      retryAfterSeconds: number | undefined;
      attempts: number;
      /** True for a gateway error (502/504) on a request that is not idempotent: it may have landed. */
      outcomeUnknown: boolean;
    }
  | {
      type: 'timeout' | 'network';
      method: HttpMethod;
      url: string;
      /** undici / Node error code when there is one (ECONNREFUSED, UND_ERR_SOCKET, ...). */
      code: string | undefined;
      message: string;
      attempts: number;
      /** The request may have reached the server (it was sent, or we cannot tell). */
      outcomeUnknown: boolean;
    }
  | { type: 'protocol'; method: HttpMethod; url: string; status: number; message: string; attempts: number };

/** One vendor's translation of failures into IntegrationErrors (kind, vendor messages). */
export type ErrorMapper = (failure: HttpFailure) => IntegrationError;

/** What the client reports for logs; URLs and headers are redacted. */
export interface HttpLogEvent {
  method: HttpMethod;
  url: string;
  attempt: number;
  status?: number;
  durationMs: number;
  /** Set when the attempt failed. */
  error?: string;
  /** Set when the client will retry after this many ms. */
  retryInMs?: number;
}
