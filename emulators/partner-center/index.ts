export {
  createPartnerCenterEmulator,
  DEMO_CREDENTIALS,
  DEMO_USER,
  type PartnerCenterEmulator,
  type PartnerCenterEmulatorOptions,
} from './create-emulator';
export {
  CODE_LIFETIME_SECONDS,
  REFRESH_TOKEN_LIFETIME_DAYS,
  type SignedInUser,
} from './http/user-grants';
export type { EmulatorCredentials } from './routes/token';
export {
  type PartnerCenterSeed,
  readSeedDir,
  type SeedCustomer,
  type SeedInvoice,
} from './seed/read-seed-dir';
