import { type PlainDate, utcDateOf } from './plain-date';

/**
 * The only way core and engine learn what time it is. Production wires the system clock (outside core);
 * tests, the CLI's `--as-of` and demos wire a fixed one.
 */
export interface Clock {
  /** The current instant as a UTC ISO string ("2026-11-27T20:34:56.000Z"). */
  now(): string;
  /** Today's date in UTC. */
  today(): PlainDate;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** A clock stopped at one instant (a date alone means midnight UTC). */
export function fixedClock(at: string): Clock {
  const instant = /^\d{4}-\d{2}-\d{2}$/.test(at) ? `${at}T00:00:00.000Z` : at;
  if (!ISO_INSTANT.test(instant)) throw new RangeError(`not a UTC instant: ${JSON.stringify(at)}`);
  const today = utcDateOf(instant);
  return { now: () => instant, today: () => today };
}
