import type { Clock } from '../core/time/clock';
import { utcDateOf } from '../core/time/plain-date';

/** The real clock, for production wiring only; core and tests take a Clock. */
export const systemClock: Clock = {
  now: () => new Date().toISOString(),
  today: () => utcDateOf(new Date().toISOString()),
};
