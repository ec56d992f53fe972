import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type ConnectionId, isUuid } from '../../core/ids';
import { createCredentialsOpener } from '../../runtime/targets';
import {
  ConnectionCheckOut,
  ConnectionInput,
  ConnectionKindSchema,
  ConnectionListOut,
  ConnectionTestOut,
  ConnectionView,
  TargetKindSchema,
} from '../../services/connection-schemas';
import { getConnectionView, listConnectionViews, saveConnection } from '../../services/connections';
import { AppError } from '../../services/errors';
import { connectTarget, testTargetConnection } from '../../services/sync';
import { checkTargetCredentials } from '../../services/sync/connection-check';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { ErrorBody, IdParam } from './schemas';
import { engineDepsOf } from './sync-schemas';

/** PSA and source connections. Secrets go in, never out: responses say only "set" or "not set". */
export const connectionRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const openWith = createCredentialsOpener();
  app.get(
    '/api/connections',
    {
      schema: {
        tags: ['connections'],
        summary: 'The workspace connections',
        response: { 200: ConnectionListOut },
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
        params: z.object({ kind: ConnectionKindSchema }),
        body: ConnectionInput,
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
        params: z.object({ kind: TargetKindSchema }),
        body: ConnectionInput.nullish(),
        response: { 200: ConnectionTestOut, 400: ErrorBody, 404: ErrorBody },
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

  app.post(
    '/api/connections/:kind/check',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['connections'],
        summary: "Test PSA credentials as entered, without saving them (the connect dialog's Test)",
        description:
          'A cheap authenticated call with the given settings and secrets (omitted secrets: the stored ones). ' +
          'Nothing is saved and the stored connection keeps its status, whatever the outcome.',
        params: z.object({ kind: TargetKindSchema }),
        body: ConnectionInput,
        response: { 200: ConnectionCheckOut, 400: ErrorBody },
      },
    },
    async (request) =>
      checkTargetCredentials(
        { pool: ctx.pool, box: ctx.box, openWith },
        {
          workspaceId: sessionOf(request).workspace_id,
          kind: request.params.kind,
          settings: request.body.settings,
          ...(request.body.secrets ? { secrets: request.body.secrets } : {}),
        },
      ),
  );
};
