import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actOnRun, getRunDetail, listRunViews, type RunAction } from '../../services/sync';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { ErrorBody, IdParam } from './schemas';
import {
  Change,
  engineDepsOf,
  Message,
  paging,
  RunKindSchema,
  RunStatusSchema,
  RunSummaryOut,
  RunViewOut,
} from './sync-schemas';

const RunDetailOut = RunViewOut.extend({
  lines: z.array(
    z.object({
      seq: z.number(),
      key: z.string(),
      label: z.string(),
      action: z.string(),
      status: z.enum(['no_change', 'ok', 'warning', 'error', 'skipped']),
      messages: z.array(Message),
      changes: z.array(Change),
      monthlyDelta: z.string().nullable(),
      offerKey: z.string().nullable(),
      tenantId: z.string().nullable(),
      targetId: z.string().nullable(),
      comparison: z
        .array(z.object({ month: z.string(), psa: z.string(), invoices: z.string() }))
        .nullable()
        .describe('shadow first sync: per month, what the PSA bills today and once the run is applied'),
    }),
  ),
  monthlyDelta: z.string().nullable(),
  journal: z.object({
    pending: z.number(),
    inFlight: z.number(),
    done: z.number(),
    failed: z.number(),
    attempts: z.number(),
    failures: z.array(z.string()),
  }),
});

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
        response: {
          200: z.object({
            items: z.array(RunViewOut),
            limit: z.number(),
            offset: z.number(),
            hasMore: z.boolean(),
          }),
        },
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
