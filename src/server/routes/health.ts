import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { queueStats } from '../../jobs/job-list';
import type { AppContext } from '../context';

const Health = z.object({
  status: z.enum(['ok', 'error']),
  db: z.enum(['ok', 'down']),
  queue: z
    .object({
      lagSeconds: z.number().describe('age of the oldest due job no worker has taken yet (0 = keeping up)'),
      pending: z.number().describe('due jobs waiting for a worker'),
      active: z.number().describe('jobs running now'),
    })
    .optional(),
});

/** Liveness, database reachability and background-queue lag for load balancers, monitoring and `npm start`. */
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
        const stats = await Promise.race([
          queueStats(ctx.pool),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error('database timeout')), 2000).unref(),
          ),
        ]);
        const queue = { lagSeconds: stats.lagSeconds, pending: stats.pending, active: stats.active };
        return { status: 'ok' as const, db: 'ok' as const, queue };
      } catch {
        return reply.status(503).send({ status: 'error', db: 'down' });
      }
    },
  );
};
