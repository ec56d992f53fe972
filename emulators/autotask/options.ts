/**
 * Limits and rule switches of the emulated tenant. Every behaviour the public sources leave open is a switch,
 * settable at creation and at run time (`PUT /_emulator/limits`, `PUT /_emulator/rules`); each default is
 * chosen from the evidence in the notes (§8.1) and listed with it in the README's "Variants" table.
 */

/** Wordings of the over-threshold refusal (undocumented; see README). */
export const OVER_THRESHOLD_TEXTS = {
  'threshold-exceeded': (threshold: number) =>
    `Request threshold exceeded: ${threshold} requests per 60 minutes are allowed for this database. Try again later.`,
  'limit-reached': () => 'API request limit reached for this integration. Try again later.',
  'unexpected-error': () => 'An unexpected error has occurred.',
} as const;

export type OverThresholdText = keyof typeof OVER_THRESHOLD_TEXTS;

/** Limits of the emulated tenant. Defaults are the documented real values; tests pass small numbers. */
export interface AutotaskLimits {
  /** Requests per rolling 60 minutes (ThresholdInformation.externalRequestThreshold). Default 10,000. */
  hourlyThreshold: number;
  /**
   * Latency of every request the limits count (the round trip of a real tenant, e.g. 150 ms in the scale bench),
   * before the tiers below are added. Default 0: tests do not wait.
   */
  baseLatencyMs: number;
  /** Added latency per request from 50 % of the threshold. Default 500 ms [DOC summary]. */
  latencyAt50Ms: number;
  /** Added latency per request from 75 % of the threshold. Default 1,000 ms. */
  latencyAt75Ms: number;
  /** Concurrent requests per integration code and entity endpoint. Default 3 [DOC ThreadLimiting]. */
  maxConcurrent: number;
  /** Status of a thread-limit rejection: UNVERIFIED (429, or 500 per n8n). Default 429. */
  threadLimitStatus: 429 | 500;
  /**
   * Which endpoint a child URL's request counts against for the thread limit: its entity
   * (`Contracts/{id}/ServiceAdjustments` is ContractServiceAdjustments) or the URL's first segment (Contracts).
   * UNVERIFIED ([DOC ThreadLimiting] says "object endpoint" only). Default 'entity'.
   */
  threadEndpoint: 'entity' | 'url-root';
  /** The refusal once the hourly threshold is used up: 429, or a 500 with a text (undocumented). Default 429. */
  overThresholdDialect: 'status-429' | 'status-500-text';
  /** The error text of that refusal (either dialect). Default 'threshold-exceeded'. */
  overThresholdText: OverThresholdText;
}

/** Switches for behaviours the notes mark UNVERIFIED (see README, "Variants"). */
export interface AutotaskRules {
  /** A PATCH/PUT that changes a create-only field (periodType, contractType, contractID...). Default 'error'. */
  createOnlyChange: 'error' | 'ignore';
  /** Status of an authenticated call with an unknown UserName (500 seen by apigrate; the docs say 401). */
  unknownUserStatus: 401 | 500;
  /** An adjustment that would take a contract service below 0 units. Default 'reject'. */
  negativeUnits: 'reject' | 'allow';
  /**
   * An adjustment dated in an approved-and-posted period: accepted and billed as prorated BillingItems (Datto
   * KB, §8.1), or refused with the posted-period message. Default 'bill-prorated'.
   */
  postedPeriodAdjustments: 'bill-prorated' | 'reject';
  /**
   * Where a ContractServiceUnits row split by a later adjustment ends: ON that adjustment's date (the SOAP page
   * read literally, §8.1) or the day before. Default 'overlap'.
   */
  unitRowEnd: 'overlap' | 'day-before';
  /**
   * A unit row's price/cost: those of the latest price-setting change on or before its start, or fixed when
   * the row comes into existence. Default 'latest-adjustment' (no evidence either way).
   */
  unitRowPrice: 'latest-adjustment' | 'stored';
  /** ContractServiceUnits rows up to the contract end, or only up to the current period. Default 'contract-end'. */
  unitsHorizon: 'contract-end' | 'current-period';
  /** The create answer of ContractServiceAdjustments: `{"itemId":null}` as observed, or the new id. */
  adjustmentItemId: 'null' | 'id';
  /** Adding an inactive service to a contract (explicitly or through an adjustment). Default 'reject'. */
  inactiveServiceOnContract: 'reject' | 'allow';
  /**
   * A ContractCharge with a negative unitPrice or unitCost. Default 'reject' (UNVERIFIED); a credit is then a
   * negative unitQuantity.
   */
  negativeChargePrices: 'reject' | 'allow';
  /** Fault mode: every created adjustment lands this many days after the date it was sent with. Default 0. */
  adjustmentDayShift: number;
}

export const DEFAULT_LIMITS: AutotaskLimits = {
  hourlyThreshold: 10_000,
  baseLatencyMs: 0,
  latencyAt50Ms: 500,
  latencyAt75Ms: 1_000,
  maxConcurrent: 3,
  threadLimitStatus: 429,
  threadEndpoint: 'entity',
  overThresholdDialect: 'status-429',
  overThresholdText: 'threshold-exceeded',
};

export const DEFAULT_RULES: AutotaskRules = {
  createOnlyChange: 'error',
  unknownUserStatus: 500,
  negativeUnits: 'reject',
  postedPeriodAdjustments: 'bill-prorated',
  unitRowEnd: 'overlap',
  unitRowPrice: 'latest-adjustment',
  unitsHorizon: 'contract-end',
  adjustmentItemId: 'null',
  inactiveServiceOnContract: 'reject',
  negativeChargePrices: 'reject',
  adjustmentDayShift: 0,
};
