import type { IncomingHttpHeaders } from 'node:http';
import type { ApiUser, EmulatorCtx } from '../store/state';
import { AutotaskError, MESSAGES } from './errors';

const header = (headers: IncomingHttpHeaders, name: string) => {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

export interface Caller {
  user: ApiUser;
  /** The resource writes are attributed to: ImpersonationResourceId, else the API user's resource. */
  actorResourceId: number;
}

/**
 * Checks `UserName`, `Secret` and `ApiIntegrationCode` (header names are case-insensitive) in the order the
 * apigrate maintainer observed on live instances: an unknown user gives HTTP 500 (rules.unknownUserStatus; the
 * docs say 401), a wrong secret 401, a wrong integration code 500 `IntegrationCode is invalid.`.
 * The 401 body is ASP.NET Web API's default (UNVERIFIED); the unknown-user text is the emulator's.
 */
export function authenticate(ctx: EmulatorCtx, headers: IncomingHttpHeaders): Caller {
  const userName = header(headers, 'UserName');
  const secret = header(headers, 'Secret');
  const code = header(headers, 'ApiIntegrationCode');
  const user = ctx.state.apiUsers.find((u) => u.userName.toLowerCase() === (userName ?? '').toLowerCase());
  if (!userName || !user) {
    throw ctx.rules.unknownUserStatus === 401
      ? unauthorized()
      : new AutotaskError(500, {
          errors: ['Unable to authenticate: the user name was not found in this zone.'],
        });
  }
  if (secret !== user.secret) throw unauthorized();
  if (code !== user.integrationCode)
    throw new AutotaskError(500, { errors: [MESSAGES.integrationCodeInvalid] });
  const impersonate = header(headers, 'ImpersonationResourceId');
  if (impersonate !== undefined) {
    const resource = ctx.state.tables.Resources.get(Number(impersonate));
    if (resource?.isActive !== true) {
      throw new AutotaskError(500, { errors: [MESSAGES.badReference('ImpersonationResourceId')] });
    }
    return { user, actorResourceId: resource.id };
  }
  return { user, actorResourceId: user.resourceId };
}

function unauthorized() {
  return new AutotaskError(401, { Message: 'Authorization has been denied for this request.' });
}
