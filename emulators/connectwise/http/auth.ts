import type { IncomingHttpHeaders } from 'node:http';
import type { ApiMember, EmulatorCtx } from '../store/state';
import { type CwError, cwError } from './errors';

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Every API call carries a `clientId` header (required since 2019, §1.4). Without it a 2026.3 tenant answered
 * 403 [OBSERVED]; an integrator documents a 400 mentioning clientId: rules.missingClientIdStatus. Any value is
 * accepted (the emulator does not know the registered ids).
 */
export function requireClientId(ctx: EmulatorCtx, headers: IncomingHttpHeaders): void {
  const clientId = header(headers, 'clientId');
  if (clientId !== undefined && clientId.trim() !== '') return;
  const status = ctx.rules.missingClientIdStatus;
  throw cwError(
    status,
    status === 403 ? 'Forbidden' : 'BadRequest',
    'A clientId header is required on every request: register one at https://developer.connectwise.com/ClientID.',
  );
}

function unauthorized(ctx: EmulatorCtx): CwError {
  // Both bodies are recognised by ConnectWiseManageAPI [CLIENT]; which one a tenant sends is unknown.
  return ctx.rules.authFailureBody === 'unauthorized'
    ? cwError(401, 'Unauthorized', 'The credentials are not valid.')
    : cwError(401, 'ConnectWiseApi', 'UserNotAuthenticated');
}

/**
 * API member keys (§1.4): `Authorization: Basic base64("{companyId}+{publicKey}:{privateKey}")`. The company
 * id matches in any letter case (it is typed at login); the keys must match exactly.
 */
export function authenticate(ctx: EmulatorCtx, headers: IncomingHttpHeaders): ApiMember {
  const auth = header(headers, 'authorization') ?? '';
  const m = /^Basic\s+(\S+)\s*$/i.exec(auth);
  if (!m) throw unauthorized(ctx);
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  const privateKey = colon === -1 ? '' : decoded.slice(colon + 1);
  const plus = user.indexOf('+');
  if (plus === -1) throw unauthorized(ctx);
  const company = user.slice(0, plus);
  const publicKey = user.slice(plus + 1);
  if (company.toLowerCase() !== ctx.state.tenant.companyId.toLowerCase()) throw unauthorized(ctx);
  const member = ctx.state.apiMembers.find((a) => a.publicKey === publicKey && a.privateKey === privateKey);
  if (!member) throw unauthorized(ctx);
  return member;
}
