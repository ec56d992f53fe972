export {
  checkPax8Url,
  PAX8_DEFAULTS,
  PAX8_HOSTS,
  type Pax8Connection,
  type Pax8ConnectionSettings,
  resolvePax8Connection,
} from './connection';
export {
  crossCheckSeats,
  type HistorySnapshot,
  historyFromWire,
  type SeatDisagreement,
} from './cross-check';
export { CREDENTIALS_HINT, pax8ErrorMapper } from './error-mapper';
export {
  type CatalogProduct,
  isUsageContainer,
  priceListFromWire,
  productFromWire,
  type SkippedPricing,
} from './map-catalog';
export { customerFromWire, websiteDomain } from './map-customers';
export {
  type AzureTotal,
  detectPeriodEnd,
  type InvoiceContext,
  type InvoiceNote,
  invoiceFromWire,
  invoiceHeaderFromWire,
  isLiveInvoice,
  type MappedInvoice,
  NO_COMPANY,
  type PeriodEnd,
  type SubscriptionFacts,
  subscriptionFromWire,
} from './map-invoices';
export { createPax8Client, PAX8_PAGE_SIZE, type Pax8Client, type Pax8ClientOptions } from './pax8-client';
export { type Pax8PullError, type Pax8PullOptions, type Pax8PullResult, pullPax8 } from './pull';
export { billingPlanOf, commitmentMonthsOf, PAX8_MARKET, pax8Offer, termOf } from './terms';
export { createPax8TokenProvider, type Pax8TokenProvider } from './token-provider';
export { parseJsonLossless, VENDOR as PAX8_VENDOR } from './wire-values';
