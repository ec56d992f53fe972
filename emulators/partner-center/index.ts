export {
  createPartnerCenterEmulator,
  DEMO_CREDENTIALS,
  type PartnerCenterEmulator,
  type PartnerCenterEmulatorOptions,
} from './create-emulator';
export type { EmulatorCredentials } from './routes/token';
export {
  type PartnerCenterSeed,
  readSeedDir,
  type SeedCustomer,
  type SeedInvoice,
} from './seed/read-seed-dir';
