export { defaultErrorMapper, describeFailure, kindOfStatus } from './default-error-mapper';
export { createHttpClient, type HttpClient, type HttpClientOptions } from './http-client';
export {
  createKeyedLimiter,
  createLimiter,
  type KeyedLimiter,
  type Limiter,
  runUnder,
  sortedKeys,
} from './limiter';
export { createRedactor, DEFAULT_SECRET_HEADERS, DEFAULT_SECRET_PARAMS, MASK, type Redactor } from './redact';
export { backoffDelay, DEFAULT_RETRY, parseRetryAfter, type RetryOptions } from './retry-policy';
export { allSettledOrThrow } from './settle';
export type {
  ErrorMapper,
  HttpBody,
  HttpFailure,
  HttpLogEvent,
  HttpMethod,
  HttpRequest,
  HttpResponse,
  HttpStreamResponse,
} from './types';
export {
  ALLOW_LOCAL_ENV,
  allowLocalPsa,
  checkVendorUrl,
  isLoopbackHost,
  isVendorHostUrl,
  type PolicyVendor,
  type UrlCheck,
  VENDOR_HOSTS,
} from './url-policy';
