import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isUuid, type UserId } from '../../core/ids';
import { getUser, listUsers, userView } from '../../db/repos/users';
import { NewUserBody, UserListOut, UserOut } from '../../services/account-schemas';
import { createUser } from '../../services/auth';
import { AppError } from '../../services/errors';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { ErrorBody, IdParam } from './schemas';

const view = userView;

/** Users of the caller's workspace (admins manage them). */
export const userRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  app.get(
    '/api/users',
    {
      config: { minRole: 'admin' },
      schema: { tags: ['users'], response: { 200: UserListOut } },
    },
    async (request) => ({ items: (await listUsers(ctx.pool, sessionOf(request).workspace_id)).map(view) }),
  );

  app.get(
    '/api/users/:id',
    {
      config: { minRole: 'admin' },
      schema: { tags: ['users'], params: IdParam, response: { 200: UserOut, 404: ErrorBody } },
    },
    async (request) => {
      const user = isUuid(request.params.id)
        ? await getUser(ctx.pool, sessionOf(request).workspace_id, request.params.id as UserId)
        : undefined;
      if (!user) throw new AppError('not_found', 'No such user');
      return view(user);
    },
  );

  app.post(
    '/api/users',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['users'],
        summary:
          'Add a user to this workspace (emails are per workspace: another workspace may have the same one)',
        body: NewUserBody,
        response: { 201: UserOut, 400: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const s = sessionOf(request);
      const user = await createUser(ctx.pool, {
        workspaceId: s.workspace_id,
        ...request.body,
        actor: s.email,
      });
      return reply.status(201).send(view(user));
    },
  );
};
