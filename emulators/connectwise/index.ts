export {
  type ConnectWiseEmulator,
  type ConnectWiseEmulatorOptions,
  createConnectWiseEmulator,
} from './create-emulator';
export { companyIdentifier, DEMO_CUSTOMERS } from './demo/demo-names';
export { DEMO_CREDENTIALS, DEMO_IDS, loadDemoSeed } from './demo/demo-seed';
export { type ConnectWiseLimits, type ConnectWiseRules, DEFAULT_LIMITS, DEFAULT_RULES } from './options';
export { type ConnectWiseSeed, parseSeed } from './store/seed';
export type { ApiMember, ConnectWiseState, Row, Tenant } from './store/state';
export { selfSignedCertificate } from './tls/self-signed';
