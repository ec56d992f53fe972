import type { Rng } from './prng';

/** The MSP (the CSP partner) of the demo data. */
export interface DemoPartner {
  id: string;
  name: string;
  mpnId: string;
}

export function demoPartner(rng: Rng): DemoPartner {
  return { id: rng.guid(), name: 'Demo MSP', mpnId: String(rng.int(1_000_000, 9_999_999)) };
}
