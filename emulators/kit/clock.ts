/**
 * A settable clock for emulators. Tests freeze it at a fixed instant; the sandbox lets it tick with real time
 * from a chosen start. All emulator logic reads time through it, never through Date.now().
 */
export interface Clock {
  /** The current emulated instant. */
  now(): Date;
  /** The current emulated instant in epoch milliseconds. */
  nowMs(): number;
  /** The current emulated UTC calendar date, `YYYY-MM-DD`. */
  today(): string;
  /** Jump to an instant (ISO-8601; a bare `YYYY-MM-DD` means midnight UTC). */
  set(iso: string): void;
  /** Move forward (or backward with a negative number) by `ms` milliseconds. */
  advance(ms: number): void;
  /** Whether the clock moves with real time between calls to set/advance. */
  readonly ticking: boolean;
}

export interface ClockOptions {
  /** Start instant (ISO-8601). Without it the clock starts at the real current time. */
  start?: string;
  /** Tick with real time. Default: false when `start` is given (tests), true otherwise (sandbox). */
  ticking?: boolean;
  /** Real-time source, injectable for the clock's own tests. */
  realNow?: () => number;
}

export function parseInstant(iso: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(ms)) throw new Error(`Invalid instant: ${iso}`);
  return ms;
}

export function createClock(options: ClockOptions = {}): Clock {
  const realNow = options.realNow ?? (() => Date.now());
  const ticking = options.ticking ?? options.start === undefined;
  let base = options.start === undefined ? realNow() : parseInstant(options.start);
  let realAtBase = realNow();
  const nowMs = () => (ticking ? base + (realNow() - realAtBase) : base);
  return {
    ticking,
    now: () => new Date(nowMs()),
    nowMs,
    today: () => new Date(nowMs()).toISOString().slice(0, 10),
    set(iso) {
      base = parseInstant(iso);
      realAtBase = realNow();
    },
    advance(ms) {
      if (!Number.isFinite(ms)) throw new Error(`Invalid advance: ${ms}`);
      base = nowMs() + ms;
      realAtBase = realNow();
    },
  };
}
