export {
  type AutotaskEmulator,
  type AutotaskEmulatorOptions,
  createAutotaskEmulator,
} from './create-emulator';
export { DEMO_CREDENTIALS, DEMO_IDS, loadDemoSeed } from './demo-seed';
export {
  type AutotaskLimits,
  type AutotaskRules,
  DEFAULT_LIMITS,
  DEFAULT_RULES,
  OVER_THRESHOLD_TEXTS,
  type OverThresholdText,
} from './options';
export { type AutotaskSeed, parseSeed } from './store/seed';
export type { ApiUser, AutotaskState, Row, ZoneInfo } from './store/state';
