import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context';

const Health = z.object({ status: z.enum(['ok', 'error']), db: z.enum(['ok', 'down']) });

/** Liveness and database reachability for load balancers and `npm start` checks. */
export const healthRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        tags: ['system'],
        summary: 'Health of the server and its database',
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      try {
        await Promise.race([
          ctx.pool.query('select 1'),
          new Promise((_, reject) => setTimeout(() => reject(new Error('database timeout')), 2000).unref()),
        ]);
        return { status: 'ok' as const, db: 'ok' as const };
      } catch {
        return reply.status(503).send({ status: 'error', db: 'down' });
      }
    },
  );
};
