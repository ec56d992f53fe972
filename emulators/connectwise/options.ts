/**
 * Limits and rule switches of the emulated ConnectWise PSA (Manage) tenant. Every behaviour the research notes
 * (`../shared/reference/connectwise-api.md`) mark UNVERIFIED and that has two plausible readings is a switch,
 * settable at creation and at run time (`PUT /_emulator/rules`, `PUT /_emulator/limits`). Each default is the
 * most likely reading; the README's "Switches" table gives the evidence for each.
 */

/** Request limits of the tenant. ConnectWise documents no fixed numbers, only "over 1,000 requests/minute". */
export interface ConnectWiseLimits {
  /** Requests per rolling 60 s of the emulator clock, per tenant; 0 = unlimited. Default 1,000 (§3.7). */
  requestsPerMinute: number;
  /** Concurrent API requests per API member (public key); 0 = unlimited. Default 10 (emulator's choice). */
  maxConcurrent: number;
  /** Latency every counted request waits (a real round trip); default 0 so tests never wait. */
  baseLatencyMs: number;
  /**
   * Longest query string served; longer ones get IIS's 404.15 page. Default 2,048 (IIS's default; the guide says
   * "keep URLs under ~2,000 characters", §2.1); 0 = unlimited.
   */
  maxQueryLength: number;
}

/** Switches for behaviours the notes leave open (see README, "Switches"). */
export interface ConnectWiseRules {
  /** A request without the `clientId` header: 403 (observed on a 2026.3 tenant) or 400 (an integrator's docs). */
  missingClientIdStatus: 403 | 400;
  /** The 401 body: `{"code":"Unauthorized"}` or `{"code":"ConnectWiseApi","message":"UserNotAuthenticated"}`. */
  authFailureBody: 'unauthorized' | 'user-not-authenticated';
  /** `GET /system/info` without credentials: answered (one live report) or 401 like every other route. */
  systemInfoAuth: 'anonymous' | 'required';
  /** Plain-HTTP API calls: served (sandbox, tests) or refused with the `Security` "SSL is required." error. */
  plainHttp: 'allow' | 'refuse';
  /** Response `Content-Type`: `application/json` or the vendor type the spec declares. */
  contentType: 'json' | 'vendor';
  /** String comparisons in conditions and uniqueness checks: SQL Server's default collation or exact. */
  collation: 'case-insensitive' | 'case-sensitive';
  /** Date-time values written in bodies: only `yyyy-MM-ddTHH:mm:ssZ` (400 `UnsupportedFormat` otherwise), or any ISO form. */
  dateFormat: 'strict' | 'lenient';
  /** PATCH clearing a field: `replace` with null and `remove` both accepted, or only one of them (400 otherwise). */
  patchClear: 'both' | 'replace-null-only' | 'remove-only';
  /** The end of forward-only paging: a present but empty `Link` header, or no `Link` header. */
  forwardOnlyEnd: 'empty-link' | 'no-link';
  /** `extPrice`/`extCost` of an addition: `quantity` × unit amount ("Ext Price = Total Quantity × Unit Price") or (`quantity` − `lessIncluded`) ×. */
  extendedBasis: 'quantity' | 'billed-quantity';
  /** Days of a prorated first period: from the effective day inclusive, or after it (Ingram's formula). */
  prorateDays: 'inclusive' | 'exclusive-start';
  /** A partial period on an agreement that does not prorate: billed if the line is in effect on its first day, or billed in full. */
  unproratedPartialPeriod: 'bill-if-active-at-start' | 'bill-full';
  /** `prorateCurrentPeriodFlag` on an addition: no billing effect, or it prorates the addition even on a non-prorating agreement. */
  prorateCurrentPeriodFlag: 'ignored' | 'addition-prorates';
  /** Addition writes on Cancelled/Expired agreements: accepted, or refused with 400. */
  closedAgreementWrites: 'allow' | 'reject';
  /** A new or re-pointed addition whose catalog item is inactive: refused with 400, or accepted. */
  inactiveProductOnAddition: 'reject' | 'allow';
  /** Negative quantity / unit price / unit cost on additions (a credit): accepted or refused. */
  negativeAmounts: 'allow' | 'reject';
  /** Changes to an addition that touch an already invoiced period: never billed (frozen), or billed on the next invoice. */
  invoicedPeriodEdits: 'frozen' | 'catch-up';
}

export const DEFAULT_LIMITS: ConnectWiseLimits = {
  requestsPerMinute: 1_000,
  maxConcurrent: 10,
  baseLatencyMs: 0,
  maxQueryLength: 2_048,
};

export const DEFAULT_RULES: ConnectWiseRules = {
  missingClientIdStatus: 403,
  authFailureBody: 'unauthorized',
  systemInfoAuth: 'anonymous',
  plainHttp: 'allow',
  contentType: 'json',
  collation: 'case-insensitive',
  dateFormat: 'strict',
  patchClear: 'both',
  forwardOnlyEnd: 'empty-link',
  extendedBasis: 'quantity',
  prorateDays: 'inclusive',
  unproratedPartialPeriod: 'bill-if-active-at-start',
  prorateCurrentPeriodFlag: 'ignored',
  closedAgreementWrites: 'allow',
  inactiveProductOnAddition: 'reject',
  negativeAmounts: 'allow',
  invoicedPeriodEdits: 'frozen',
};
