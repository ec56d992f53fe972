export {
  type DerivedInvoice,
  invoicesAsOf,
  type WireInvoice,
  type WireInvoiceItem,
} from './billing/invoices';
export { createPax8Emulator, type Pax8Emulator, type Pax8EmulatorOptions } from './create-emulator';
export { LEGACY_AUDIENCE, PARTNER_AUDIENCE } from './http/auth-routes';
export { DEFAULT_RULES, type Pax8Rules, SWITCH_VALUES } from './options';
export {
  type ProductKey,
  productId,
  SEAT_PRODUCT_KEYS,
  type SeatProductKey,
  type SeatTerm,
  seatPrices,
} from './seed/catalog';
export { DEMO_COMPANIES, DEMO_CREDENTIALS, DEMO_STORIES, demoSeed } from './seed/demo';
/** Parses a seed file's JSON (the CLI's `--seed <file>`). */
export { type Pax8Seed, stableId, validateSeed, validateSeed as parseSeed } from './seed/model';
export {
  DEFAULT_SCENARIO_CREDENTIALS,
  invoicesThrough,
  type Pax8Scenario,
  pax8Scenario,
  releaseInstant,
  type ScenarioOptions,
} from './seed/scenario';
