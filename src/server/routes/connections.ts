import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type ConnectionId, isUuid } from '../../core/ids';
import { CONNECTION_KINDS } from '../../db/repos/connections';
import { getConnectionView, listConnectionViews, saveConnection } from '../../services/connections';
import { AppError } from '../../services/errors';
import { connectTarget, testTargetConnection } from '../../services/sync';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { ErrorBody, IdParam } from './schemas';
import { engineDepsOf } from './sync-schemas';

const ConnectionView = z.object({
  id: z.string(),
  kind: z.enum(CONNECTION_KINDS as unknown as ['autotask', 'connectwise', 'partner-center']),
  settings: z.record(z.string(), z.unknown()),
  credentials: z.enum(['set', 'not set']),
  status: z.enum(['unknown', 'connected', 'error', 'needs_setup']),
  statusMessage: z.string().nullable(),
  checkedAt: z.string().nullable(),
  updatedAt: z.string(),
});

/** PSA and source connections. Secrets go in, never out: responses say only "set" or "not set". */
export const connectionRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  app.get(
    '/api/connections',
    {
      schema: {
        tags: ['connections'],
        summary: 'The workspace connections',
        response: { 200: z.object({ items: z.array(ConnectionView) }) },
      },
    },
    async (request) => ({ items: await listConnectionViews(ctx.pool, sessionOf(request).workspace_id) }),
  );

  app.get(
    '/api/connections/:id',
    { schema: { tags: ['connections'], params: IdParam, response: { 200: ConnectionView, 404: ErrorBody } } },
    async (request) => {
      if (!isUuid(request.params.id)) throw new AppError('not_found', 'No such connection');
      return getConnectionView(ctx.pool, sessionOf(request).workspace_id, request.params.id as ConnectionId);
    },
  );

  app.put(
    '/api/connections/:kind',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['connections'],
        summary: 'Create or update the connection of one kind; omit `secrets` to keep the stored ones',
        params: z.object({ kind: z.enum(['autotask', 'connectwise', 'partner-center']) }),
        body: z.object({
          settings: z.record(z.string(), z.unknown()),
          secrets: z.record(z.string(), z.unknown()).optional(),
        }),
        response: { 200: ConnectionView, 400: ErrorBody },
      },
    },
    async (request) => {
      const s = sessionOf(request);
      return saveConnection(ctx.pool, ctx.box, {
        workspaceId: s.workspace_id,
        kind: request.params.kind,
        settings: request.body.settings,
        ...(request.body.secrets ? { secrets: request.body.secrets } : {}),
        actor: s.email,
      });
    },
  );

  app.post(
    '/api/connections/:kind/test',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['connections'],
        summary: 'Test a PSA connection with a cheap authenticated call; with a body, save it first',
        description:
          'Records the outcome on the connection: connected, needs_setup (the program has no billing code yet) ' +
          'or error with the reason in words. A failed test keeps the connection saved.',
        params: z.object({ kind: z.enum(['autotask', 'connectwise']) }),
        body: z
          .object({
            settings: z.record(z.string(), z.unknown()),
            secrets: z.record(z.string(), z.unknown()).optional(),
          })
          .nullish(),
        response: {
          200: z.object({
            connection: ConnectionView,
            ok: z.boolean(),
            status: z.enum(['unknown', 'connected', 'error', 'needs_setup']),
            message: z.string(),
          }),
          400: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (request) => {
      const s = sessionOf(request);
      const deps = engineDepsOf(ctx);
      const body = request.body;
      if (!body) return testTargetConnection(deps, s.workspace_id, request.params.kind, s.email);
      return connectTarget(deps, ctx.box, {
        workspaceId: s.workspace_id,
        kind: request.params.kind,
        settings: body.settings,
        ...(body.secrets ? { secrets: body.secrets } : {}),
        actor: s.email,
      });
    },
  );
};
