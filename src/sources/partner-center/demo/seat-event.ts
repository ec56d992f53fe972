import type { PlainDate } from '../../../core/time';

/** A seat change of a demo subscription (the new quantity from that day on) or its immediate cancellation. */
export type SeatEvent =
  | { date: PlainDate; kind: 'change'; quantity: number }
  | { date: PlainDate; kind: 'cancel' };
