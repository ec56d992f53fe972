import { DEMO_BUSINESSES } from '../../kit';

/** Demo customers: the kit's demo businesses, as in the Autotask demo tenant. */
export const DEMO_CUSTOMERS = DEMO_BUSINESSES;

/** `Contoso Ltd` -> `ContosoLtd` (the Company ID, at most 30 characters). */
export function companyIdentifier(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, '').slice(0, 30);
}

/** Indexes into DEMO_CUSTOMERS with special agreements (the same customers as the Autotask demo where it has them). */
export const DEMO_SPECIAL = {
  /** Its only agreement ended last month. */
  ended: 5,
  /** Its agreement starts on the first day of next month. */
  startsNextMonth: 9,
  /** Quarterly billing cycle. */
  quarterly: 13,
  /** Also has a Block Hours agreement. */
  blockHours: 17,
  /** An ended previous term and its renewal. */
  renewed: 20,
  /** Also has a cancelled Microsoft 365 agreement. */
  cancelled: 21,
} as const;
