import { DEMO_BUSINESSES } from '../kit';

/** Demo customers: the kit's demo businesses (the same in every demo tenant). */
export const DEMO_CUSTOMERS = DEMO_BUSINESSES;

/** Indexes into DEMO_CUSTOMERS with special contracts. */
export const DEMO_SPECIAL = {
  /** Its only contract ended last month. */
  ended: 5,
  /** Its contract starts on the first day of next month. */
  startsNextMonth: 9,
  /** Quarterly billing periods. */
  quarterly: 13,
  /** Also has a Block Hours (non-recurring) contract. */
  blockHours: 17,
  /** An ended contract and its renewal. */
  renewed: 20,
} as const;
