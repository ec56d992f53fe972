export {
  AUDIENCE,
  type Audience,
  type ConnectionSettings,
  PARTNER_CENTER_DEFAULTS,
  type PartnerCenterConnection,
  resolveConnection,
} from './connection';
export {
  authorizeUrl,
  CONSENT_SCOPE,
  type ConsentHttpOptions,
  isGrantRejected,
  newPkcePair,
  REFRESH_TOKEN_LIFETIME_DAYS,
  redeemAuthorizationCode,
  redeemRefreshToken,
} from './consent';
export { partnerCenterErrorMapper } from './error-mapper';
export { parseJsonLossless } from './lossless-json';
export { cleanWireRecord, invoiceLineFromWire, usageLineFromWire } from './map-lines';
export { customerFromWire, invoiceHeaderFromWire, isSyncableInvoice } from './map-wire';
export {
  createPartnerCenterClient,
  LINE_ITEM_PAGE_SIZE,
  type PartnerCenterClient,
  type PartnerCenterClientOptions,
} from './partner-center-client';
export {
  type PullCounts,
  type PullError,
  type PullResult,
  type PullStore,
  pullFromPartnerCenter,
} from './pull';
export { createTokenProvider, type TokenProvider } from './token-provider';
