import { dayOf } from '../store/dates';
import type { Row } from '../store/state';

export type AgreementStatus = 'Active' | 'Cancelled' | 'Expired' | 'Inactive';

/**
 * `agreementStatus` is computed from cancellation and dates (§5.1, INFERRED mapping): Cancelled when
 * `cancelledFlag`, Inactive before the start date, Expired after an end date (unless `noEndingDateFlag`),
 * otherwise Active. The end date is the last day of the agreement.
 */
export function agreementStatus(agreement: Row, today: string): AgreementStatus {
  if (agreement.cancelledFlag === true) return 'Cancelled';
  const start = agreement.startDate as string | null;
  if (start && dayOf(start) > today) return 'Inactive';
  const end = agreement.endDate as string | null;
  if (agreement.noEndingDateFlag !== true && end && dayOf(end) < today) return 'Expired';
  return 'Active';
}

/** The last day the agreement bills: its end date (unless open-ended) or its cancellation date, whichever is first. */
export function agreementLastDay(agreement: Row): string | undefined {
  const ends: string[] = [];
  if (agreement.noEndingDateFlag !== true && typeof agreement.endDate === 'string')
    ends.push(dayOf(agreement.endDate));
  if (agreement.cancelledFlag === true && typeof agreement.dateCancelled === 'string') {
    ends.push(dayOf(agreement.dateCancelled));
  }
  return ends.sort()[0];
}
