export { type KitAdminOptions, registerKitAdminRoutes } from './admin-routes';
export { type Clock, type ClockOptions, createClock, parseInstant } from './clock';
export {
  addDays,
  addMonths,
  daysBetween,
  daysInMonth,
  endOfMonth,
  isDate,
  startOfMonth,
  toDate,
  toMidnightIso,
} from './dates';
export { DEMO_BUSINESSES } from './demo-businesses';
export { type FaultHookOptions, pathOf, registerFaultHooks } from './fault-hooks';
export {
  createFaultInjector,
  FAULT_KINDS,
  type FaultInjector,
  type FaultKind,
  type FaultRule,
  type FaultSpec,
  globToRegExp,
  validateFaultSpec,
} from './fault-injector';
export {
  createRequestLog,
  type RequestLog,
  type RequestLogEntry,
  type RequestLogHookOptions,
  registerRequestLog,
} from './request-log';
export { expandRelativeDates, readJsonFile, resolveSeedArg } from './seed';
export { realSleep, type Sleep } from './sleep';
export { type Accepts, type Checked, mergeSwitches, orThrow } from './switches';
