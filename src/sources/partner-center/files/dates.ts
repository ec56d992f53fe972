import { addDays, type PlainDate, tryParsePlainDate } from '../../../core/time';

/** A date read from a Microsoft file, with its time of day when the file wrote one. */
export interface FileDateTime {
  date: PlainDate;
  /** Seconds since midnight as written (fractions dropped); undefined when the value was a bare date. */
  secondsOfDay: number | undefined;
}

/** What the error message says a date column accepts. */
export const DATE_EXPECTED =
  'a date as YYYY-MM-DD, an ISO timestamp (2025-07-15T00:00:00Z) or a US date M/D/YYYY (7/15/2025, 3/1/2018 12:00:00 AM)';

const ISO_DATE = /^(\d{4}-\d{2}-\d{2})$/;
const ISO_STAMP =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp][Mm]))?)?$/;

function seconds(h: number, m: number, s: number): number | undefined {
  return h < 24 && m < 60 && s < 60 ? h * 3600 + m * 60 + s : undefined;
}

/**
 * Parses the date formats Microsoft's CSP files use, and nothing else:
 * - ISO `2025-07-15` and ISO timestamps `2025-07-15T00:00:00`, `2024-05-01T00:00:00.0000000Z`, `+01:00` offsets;
 * - US `7/15/2025`, `07/15/2025`, with an optional time `3/1/2018 12:00:00 AM` or 24-hour `13:05:00`.
 * The calendar date is taken **as written**: an offset is not applied (Microsoft's billing dates are UTC dates,
 * and shifting a charge date by a zone would move it to another day). Day-first dates (`15/7/2025`) are refused,
 * never guessed: a `15` in the month position fails, and an ambiguous `3/7/2025` is read as March 7 (US order,
 * the order Microsoft's US-English exports use).
 */
export function parseFileDate(text: string): FileDateTime | undefined {
  const t = text.trim();
  if (ISO_DATE.test(t)) {
    const date = tryParsePlainDate(t);
    return date ? { date, secondsOfDay: undefined } : undefined;
  }
  const iso = ISO_STAMP.exec(t);
  if (iso) {
    const date = tryParsePlainDate(iso[1]!);
    const secs = seconds(Number(iso[2]), Number(iso[3]), Number(iso[4] ?? 0));
    return date && secs !== undefined ? { date, secondsOfDay: secs } : undefined;
  }
  const us = US.exec(t);
  if (us) {
    const month = Number(us[1]);
    const day = Number(us[2]);
    const year = Number(us[3]);
    const date = tryParsePlainDate(
      `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    );
    if (!date) return undefined;
    if (us[4] === undefined) return { date, secondsOfDay: undefined };
    let hour = Number(us[4]);
    const meridiem = us[7]?.toUpperCase();
    if (meridiem) {
      if (hour < 1 || hour > 12) return undefined;
      hour = (hour % 12) + (meridiem === 'PM' ? 12 : 0);
    }
    const secs = seconds(hour, Number(us[5]), Number(us[6] ?? 0));
    return secs === undefined ? undefined : { date, secondsOfDay: secs };
  }
  return undefined;
}

/** Years at or beyond this mean "no end" (`11/30/9999 11:59:59 PM`, `9999-12-31T23:59:59Z`). */
const OPEN_END_YEAR = '9999';

/**
 * The exclusive end of a validity window from Microsoft's EffectiveEndDate. Microsoft writes the last moment of
 * the window (`2025-06-30T23:59:59Z`, `11/30/9999 11:59:59 PM`) or the last day (`2025-06-30`): both mean the
 * whole day is included, so the half-open end is the next day. A timestamp at exactly midnight
 * (`2025-07-01T00:00:00Z`) is already the exclusive end. Year 9999 means open-ended (undefined).
 * [UNVERIFIED which of the two Microsoft's license price sheet uses; both are handled.]
 */
export function exclusiveEndOf(value: FileDateTime): PlainDate | undefined {
  if (value.date.startsWith(OPEN_END_YEAR)) return undefined;
  return value.secondsOfDay === 0 ? value.date : addDays(value.date, 1);
}

/** Renders a date the way Microsoft's US exports do (`7/15/2025`); used by the demo data writer. */
export function usDate(date: PlainDate): string {
  const [y, m, d] = date.split('-');
  return `${Number(m)}/${Number(d)}/${y}`;
}
