import type { Brand } from './brand';

/** Database ids are UUID strings; the brand stops a customer id from being passed where a run id is expected. */
export type WorkspaceId = Brand<string, 'WorkspaceId'>;
export type UserId = Brand<string, 'UserId'>;
export type ConnectionId = Brand<string, 'ConnectionId'>;
export type SessionId = Brand<string, 'SessionId'>;
export type CustomerId = Brand<string, 'CustomerId'>;
export type RunId = Brand<string, 'RunId'>;
export type PlanId = Brand<string, 'PlanId'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Casts a validated UUID string to a branded id; throws on anything else (ids come from our own database). */
export function asId<B extends string>(value: string): Brand<string, B> {
  if (!isUuid(value)) throw new TypeError(`not an id: ${JSON.stringify(value)}`);
  return value as Brand<string, B>;
}
