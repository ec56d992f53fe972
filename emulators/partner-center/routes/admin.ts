import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../kit';
import type { TokenStore } from '../http/tokens';
import type { UserGrants } from '../http/user-grants';
import type { PartnerCenterSeed } from '../seed/read-seed-dir';

/**
 * Partner Center admin routes (besides the kit's clock/requests/faults):
 * `POST /_emulator/seed {"dir": "..."}` reloads from a demo-data directory; `GET /_emulator/state` summarises
 * what is served; `POST /_emulator/tokens/expire` expires every issued token (the client must fetch a new one);
 * `POST /_emulator/refresh-tokens/revoke` revokes every refresh token of the consent flow.
 */
export function registerPartnerCenterAdmin(
  app: FastifyInstance,
  deps: {
    seed: () => PartnerCenterSeed;
    reseed: (dir: string) => PartnerCenterSeed;
    clock: Clock;
    tokens: TokenStore;
    grants: UserGrants;
  },
) {
  const state = () => {
    const seed = deps.seed();
    const today = deps.clock.today();
    return {
      today,
      customers: seed.customers.length,
      invoices: seed.invoices.map((i) => ({
        ...i,
        visible: i.issueDate <= today,
        billingLineItems: seed.billingLines.get(i.id)?.length ?? 0,
        usageLineItems: seed.usageLines.get(i.id)?.length ?? 0,
      })),
      priceSheet: seed.priceListCsv !== undefined,
      tokensIssued: deps.tokens.count,
      userGrants: deps.grants.stats(),
    };
  };
  app.get('/_emulator/state', async () => state());
  app.post<{ Body: { dir?: unknown } }>('/_emulator/seed', async (request, reply) => {
    const dir = request.body?.dir;
    if (typeof dir !== 'string' || dir === '')
      return reply.code(400).send({ error: 'body must be {"dir": "<demo-data directory>"}' });
    try {
      deps.reseed(dir);
    } catch (err) {
      return reply.code(400).send({ error: (err as Error).message });
    }
    return state();
  });
  app.post('/_emulator/tokens/expire', async () => ({ expired: deps.tokens.expireAll() }));
  // What a password reset or "revoke sessions" does: every refresh token of the consent flow stops working.
  app.post('/_emulator/refresh-tokens/revoke', async () => ({ revoked: deps.grants.revokeAll() }));
}
