/** Limits of the emulated tenant. Defaults are the documented real values; tests pass small numbers. */
export interface AutotaskLimits {
  /** Requests per rolling 60 minutes (ThresholdInformation.externalRequestThreshold). Default 10,000. */
  hourlyThreshold: number;
  /** Added latency per request from 50 % of the threshold. Default 500 ms [DOC summary]. */
  latencyAt50Ms: number;
  /** Added latency per request from 75 % of the threshold. Default 1,000 ms. */
  latencyAt75Ms: number;
  /** Concurrent requests per integration code and entity endpoint. Default 3 [DOC ThreadLimiting]. */
  maxConcurrent: number;
  /** Status of a thread-limit rejection: UNVERIFIED (429, or 500 per n8n). Default 429. */
  threadLimitStatus: 429 | 500;
  /** Status once the hourly threshold is used up: UNVERIFIED. Default 429. */
  overThresholdStatus: 429 | 500;
}

/** Switches for behaviours the notes mark UNVERIFIED (see README). */
export interface AutotaskRules {
  /** A PATCH/PUT that changes a create-only field (periodType, contractType, contractID...). Default 'error'. */
  createOnlyChange: 'error' | 'ignore';
  /** Status for an unknown UserName (apigrate's maintainer saw 500; the docs say 401). Default 500. */
  unknownUserStatus: 401 | 500;
  /** An adjustment that would take a contract service below 0 units. Default 'reject'. */
  negativeUnits: 'reject' | 'allow';
  /** An adjustment dated on or before the end of an approved-and-posted period. Default 'reject'. */
  adjustmentInPostedPeriod: 'reject' | 'allow';
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
}

export const DEFAULT_LIMITS: AutotaskLimits = {
  hourlyThreshold: 10_000,
  latencyAt50Ms: 500,
  latencyAt75Ms: 1_000,
  maxConcurrent: 3,
  threadLimitStatus: 429,
  overThresholdStatus: 429,
};

export const DEFAULT_RULES: AutotaskRules = {
  createOnlyChange: 'error',
  unknownUserStatus: 500,
  negativeUnits: 'reject',
  adjustmentInPostedPeriod: 'reject',
  unitsHorizon: 'contract-end',
  adjustmentItemId: 'null',
  inactiveServiceOnContract: 'reject',
  negativeChargePrices: 'reject',
};
