import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actOnRun, getRunDetail, listRunViews, type RunAction } from '../../services/sync';
import { RunDetailOut, RunListOut, RunSummaryOut } from '../../services/sync/run-schemas';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { ErrorBody, IdParam } from './schemas';
import { engineDepsOf, paging, RunKindSchema, RunStatusSchema } from './sync-schemas';

const ACTIONS: Record<RunAction, string> = {
  approve: 'Approve a run awaiting approval: it executes if its plan still holds, else a fresh preview waits',
  reject: 'Reject a run awaiting approval',
  resume: 'Resume an interrupted run (in-flight writes are checked in the PSA first, never sent twice)',
};

/** Run history and details (spec section 7); operators approve, reject and resume. */
export const runRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const deps = engineDepsOf(ctx);

  app.get(
    '/api/runs',
    {
      schema: {
        tags: ['runs'],
        summary: 'Runs, newest first',
        querystring: z.object({
          target: z.enum(['autotask', 'connectwise']).optional(),
          kind: RunKindSchema.optional(),
          status: RunStatusSchema.optional(),
          customer: z.string().optional().describe('tenant id'),
          ...paging(500, 50),
        }),
        response: { 200: RunListOut },
      },
    },
    async (request) => listRunViews(ctx.pool, sessionOf(request).workspace_id, request.query),
  );

  app.get(
    '/api/runs/:id',
    {
      schema: {
        tags: ['runs'],
        summary: 'A run with its items (messages, changes, monthly deltas) and its journal summary',
        params: IdParam,
        response: { 200: RunDetailOut, 404: ErrorBody },
      },
    },
    async (request) => getRunDetail(ctx.pool, sessionOf(request).workspace_id, request.params.id),
  );

  for (const action of Object.keys(ACTIONS) as RunAction[]) {
    app.post(
      `/api/runs/:id/${action}`,
      {
        config: { minRole: 'operator' },
        schema: {
          tags: ['runs'],
          summary: ACTIONS[action],
          params: IdParam,
          response: { 200: RunSummaryOut, 404: ErrorBody, 409: ErrorBody, 502: ErrorBody },
        },
      },
      async (request) => {
        const s = sessionOf(request);
        return actOnRun(
          deps,
          { ws: s.workspace_id, actor: s.email, trigger: 'api' },
          request.params.id,
          action,
        );
      },
    );
  }
};
