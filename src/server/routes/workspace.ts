import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAudit } from '../../db/repos/audit';
import { getWorkspace } from '../../db/repos/workspaces';
import { AuditListOut, WorkspaceOut } from '../../services/account-schemas';
import { AppError } from '../../services/errors';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';

/** The caller's own workspace and its audit trail. There is no route to any other workspace. */
export const workspaceRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  app.get(
    '/api/workspace',
    {
      schema: {
        tags: ['workspace'],
        response: { 200: WorkspaceOut },
      },
    },
    async (request) => {
      const ws = await getWorkspace(ctx.pool, sessionOf(request).workspace_id);
      if (!ws) throw new AppError('not_found', 'No such workspace');
      return { id: ws.id, name: ws.name, createdAt: ws.created_at.toISOString() };
    },
  );

  app.get(
    '/api/audit',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['workspace'],
        summary: 'Recent audit events of this workspace (who changed what)',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: AuditListOut },
      },
    },
    async (request) => ({
      items: (await listAudit(ctx.pool, sessionOf(request).workspace_id, request.query.limit)).map((e) => ({
        id: e.id,
        actor: e.actor,
        action: e.action,
        targetType: e.target_type,
        targetId: e.target_id,
        details: e.details,
        at: e.at.toISOString(),
      })),
    }),
  );
};
