import { type AutotaskAdapter, createAdapter } from './adapter';
import { createAutotaskClient } from './client';
import type { AutotaskConnectionOptions } from './transport';

export type { AutotaskAdapter } from './adapter';
export { type AutotaskClient, createAutotaskClient, type FieldInfo, type Wire } from './client';
export * as autotaskQuery from './query';
export type { AutotaskScope } from './read-state';
export { DEFAULT_THRESHOLD, type ThresholdInfo, type ThresholdOptions } from './threshold';
export type { AutotaskConnectionOptions } from './transport';
export { forgetZone } from './zone';

/**
 * Options of the Autotask adapter:
 * - `username`, `secret`, `integrationCode`: the API-only user and the tracking identifier (§1.3 headers).
 * - `zoneUrl`: the zone's URL in any form (skips discovery); `discoveryUrl`: where `zoneInformation` is asked
 *   (default https://webservices.autotask.net/ATServicesRest/; tests and the demo point it at the emulator).
 * - `timeoutMs` (default 60 s), `maxConcurrent` (1..3 per endpoint, default 3), `limiter` (a keyed limiter by
 *   endpoint, shared per connection: the runtime's holds places in the database, decision 0019).
 * - `threshold`: `{ checkEvery, delayAt50Ms, delayAt75Ms }` (see threshold.ts), `retry` (the HTTP client's).
 * - `sleep`, `random`, `now`: injectable for tests; `onHttp`: every attempt, redacted, for logs.
 */
export type AutotaskAdapterOptions = AutotaskConnectionOptions;

export function createAutotaskAdapter(options: AutotaskAdapterOptions): AutotaskAdapter {
  return createAdapter(createAutotaskClient(options), options.username, options.now ?? Date.now);
}
