import type { FastifyInstance } from 'fastify';
import type { StoredProgram, TargetKind } from '../src/db/repos/sync';
import type { ScaleDates } from './scale-data';

/**
 * One PSA emulator as the scale world uses it: its tenant for N customers (a company and a monthly contract or
 * agreement each, at `companyIdOf(i)` / `contractIdOf(i)`), billsync's connection and program for it, month M's
 * lines, and its counters. `bench/scale-autotask.ts` and `bench/scale-connectwise.ts` implement it.
 */
export interface ScalePsa {
  target: TargetKind;
  /** As printed: Autotask, ConnectWise. */
  label: string;
  /** The emulator's Fastify app, to hook before it listens (`observeCalls`). */
  app: FastifyInstance;
  /** Starts the emulator (latency and limits off) and returns its base URL. */
  listen(): Promise<string>;
  /** The PSA-specific program settings (billing code, vendor). */
  program: Partial<StoredProgram>;
  /** The connection billsync stores for the emulator at `url`: settings and secrets. */
  connection(url: string): { settings: Record<string, unknown>; secrets: Record<string, string> };
  /**
   * Month M's contract lines written straight into the emulator (no HTTP), once the product sync linked each
   * offer to a PSA product (`offer key text -> product id`); the first sync of month M writes whatever is left.
   */
  seedLines(productLinks: ReadonlyMap<string, string>, dates: ScaleDates): void;
  /**
   * Starts a counting window: the realistic latency and limits (`measured`), or everything off for setup and the
   * no-op re-run; counters reset.
   */
  startWindow(mode: 'measured' | 'off'): void;
  /** API calls the PSA answered since the window started (refusals excluded). */
  calls(): number;
  /** Requests that changed the PSA (creates, updates, deletes; queries excluded) since the window started. */
  writes(): number;
  /** Requests per `METHOD route` since the window started. */
  routes(): Record<string, number>;
  close(): Promise<void>;
}

/** Requests of a request log that changed the PSA: anything but GET and Autotask's POST queries. */
export function writesOf(counts: Record<string, number>): number {
  return Object.entries(counts)
    .filter(([key]) => /^(POST|PATCH|PUT|DELETE) /.test(key) && !/\/query(\/|$)/i.test(key))
    .reduce((n, [, c]) => n + c, 0);
}
