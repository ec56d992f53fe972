import { randomBytes } from 'node:crypto';
import type { Clock } from '../../kit';
import type { Pax8Rules } from '../options';
import type { Pax8Seed } from '../seed/model';

export interface IssuedToken {
  clientId: string;
  audience: string;
  /** Expiry instant (emulator clock, epoch ms). */
  expiresAtMs: number;
}

/** Everything the routes read: the timeline seed, the switches, the clock and the tokens issued. */
export interface Pax8Ctx {
  seed: Pax8Seed;
  rules: Pax8Rules;
  clock: Clock;
  tokens: Map<string, IssuedToken>;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT-shaped opaque token (clients only pass it on); the emulator looks it up, it never verifies a signature. */
export function mintToken(
  ctx: Pax8Ctx,
  clientId: string,
  audience: string,
): { token: string; expiresAtMs: number } {
  const nowMs = ctx.clock.nowMs();
  const expiresAtMs = nowMs + ctx.rules.tokenTtlSeconds * 1000;
  const payload = {
    iss: 'https://login.pax8.com/',
    sub: `${clientId}@clients`,
    aud: audience,
    iat: Math.floor(nowMs / 1000),
    exp: Math.floor(expiresAtMs / 1000),
    gty: 'client-credentials',
  };
  const token = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url(payload)}.${randomBytes(24).toString('base64url')}`;
  ctx.tokens.set(token, { clientId, audience, expiresAtMs });
  return { token, expiresAtMs };
}
