import type { LeakageRowWire } from './reconciliation-schemas';

/** Why a Microsoft charge is not billed, as the leakage page says it. */
export const LEAKAGE_REASON: Record<LeakageRowWire['reason'], string> = {
  unmapped: 'Customer not mapped',
  'sync-off': 'Sync off',
  'no-product': 'No PSA product',
  error: 'Sync error',
  'skipped-line': 'Line skipped',
  'azure-off': 'Azure not billed',
  'not-synced': 'Not synced yet',
  'before-contract': 'Before the contract start',
};
