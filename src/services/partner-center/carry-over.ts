import { MANAGED_SETTINGS, PartnerCenterSecrets } from './model';

/** The settings a refresh token belongs to: another app, tenant or authority makes it worthless. */
const TOKEN_BOUND = ['tenantId', 'clientId', 'authority'] as const;

/**
 * What a save of the Microsoft CSP source keeps of the stored one (connections.ts calls it in the save's
 * transaction). The settings billsync owns (`consent`, `pull`) are kept; the App+User refresh token too, unless
 * the app, the tenant or the authority changed (then the consent is gone and the card asks to connect again). A
 * new client secret keeps the refresh token: it belongs to the app, not to one of its secrets. A pending consent
 * is dropped by any save that changes the secrets.
 */
export function carryOverSource(
  stored:
    | { settings: Readonly<Record<string, unknown>>; secrets: Readonly<Record<string, unknown>> }
    | undefined,
  settings: Readonly<Record<string, unknown>>,
  secrets: Readonly<Record<string, unknown>> | undefined,
): { settings: Record<string, unknown>; secrets: Record<string, unknown> | undefined } {
  if (!stored) return { settings: { ...settings }, secrets: secrets ? { ...secrets } : undefined };
  const sameToken = TOKEN_BOUND.every((k) => (stored.settings[k] ?? null) === (settings[k] ?? null));
  const kept: Record<string, unknown> = { ...settings };
  for (const key of MANAGED_SETTINGS) {
    if (stored.settings[key] === undefined) continue;
    if (key === 'consent' && !sameToken) continue;
    kept[key] = stored.settings[key];
  }
  if (!secrets) return { settings: kept, secrets: undefined };
  const before = PartnerCenterSecrets.safeParse(stored.secrets);
  const old = before.success ? before.data : {};
  return {
    settings: kept,
    secrets: {
      ...(old.clientSecret ? { clientSecret: old.clientSecret } : {}),
      ...secrets,
      ...(sameToken && old.refreshToken ? { refreshToken: old.refreshToken } : {}),
    },
  };
}
