import type { FastifyInstance } from 'fastify';
import { invoicesAsOf } from '../billing/invoices';
import { mergeRules } from '../option-values';
import type { Pax8Seed } from '../seed/model';
import type { Pax8Ctx } from './state';

/** Pax8-specific admin routes (`/_emulator`, JSON, no auth): seed, state, rules, tokens. */
export function registerPax8AdminRoutes(
  app: FastifyInstance,
  options: { ctx: () => Pax8Ctx; loadSeed: (seed: unknown) => Pax8Seed },
) {
  const { ctx } = options;
  const prefix = '/_emulator';

  app.post<{ Body: unknown }>(`${prefix}/seed`, async (request, reply) => {
    const body = request.body as { seed?: unknown } | null;
    try {
      const seed = options.loadSeed(body && typeof body === 'object' && body.seed === 'demo' ? 'demo' : body);
      return {
        loaded: {
          companies: seed.companies.length,
          products: seed.products.length,
          subscriptions: seed.subscriptions.length,
          usage: seed.usage.length,
          corrections: seed.corrections.length,
        },
      };
    } catch (err) {
      return reply.code(400).send({ error: (err as Error).message });
    }
  });

  app.get(`${prefix}/state`, async () => {
    const c = ctx();
    const today = c.clock.today();
    return {
      today,
      rules: c.rules,
      partner: c.seed.partner,
      credentials: c.seed.credentials,
      counts: {
        companies: c.seed.companies.length,
        products: c.seed.products.length,
        subscriptions: c.seed.subscriptions.length,
        usage: c.seed.usage.length,
        tokens: c.tokens.size,
      },
      invoices: invoicesAsOf(c.seed, c.rules, today).map((d) => ({ ...d.invoice, items: d.items.length })),
      seed: c.seed,
    };
  });

  app.get(`${prefix}/rules`, async () => ({ rules: ctx().rules }));
  app.put<{ Body: unknown }>(`${prefix}/rules`, async (request, reply) => {
    const merged = mergeRules(ctx().rules, request.body);
    if (!merged.ok) return reply.code(400).send({ error: merged.error });
    ctx().rules = merged.value;
    return { rules: merged.value };
  });

  // Revoke every token (clients must fetch a new one), e.g. to test a 401 in the middle of paging.
  app.delete(`${prefix}/tokens`, async () => {
    const revoked = ctx().tokens.size;
    ctx().tokens.clear();
    return { revoked };
  });
}
