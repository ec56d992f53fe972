import type { ConnectWiseRules } from '../../emulators/connectwise';

/**
 * The ConnectWise billing behaviours no public source settles (decision 0012; emulator README "Switches"): the
 * agreement's `prorateFlag` and every reading of ConnectWise's partial periods, as emulator switches. The
 * end-to-end tests run under each: billsync must bill the same money in all of them.
 */
export interface ConnectWiseVariant {
  name: string;
  /** The agreement type's `prorateFlag` (the seed's agreements take it). */
  prorate: boolean;
  rules?: Partial<ConnectWiseRules>;
}

export const CW_DEFAULT_VARIANT: ConnectWiseVariant = { name: 'prorateFlag false', prorate: false };

/** What changes how agreement additions bill. */
export const CW_BILLING_VARIANTS: readonly ConnectWiseVariant[] = [
  CW_DEFAULT_VARIANT,
  { name: 'prorateFlag true', prorate: true },
  {
    name: 'prorateFlag false, partial periods billed in full',
    prorate: false,
    rules: { unproratedPartialPeriod: 'bill-full' },
  },
  {
    name: 'prorateFlag true, exclusive-start days',
    prorate: true,
    rules: { prorateDays: 'exclusive-start' },
  },
  {
    name: 'additions prorate themselves',
    prorate: false,
    rules: { prorateCurrentPeriodFlag: 'addition-prorates' },
  },
];
