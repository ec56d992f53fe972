import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ConnectionInput, ConnectionTestOut } from '../../services/connection-schemas';
import { getConnectionView } from '../../services/connections';
import { connectPax8 } from '../../services/pax8/connect';
import { pullPax8Source } from '../../services/pax8/pull-source';
import { Pax8PullOut } from '../../services/pax8/schemas';
import { requirePax8Source } from '../../services/pax8/store';
import { testPax8Source } from '../../services/pax8/test-source';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { ErrorBody } from './schemas';

const BASE = '/api/connections/pax8';
const tags = ['connections'];

/**
 * The Pax8 source card (issue 18): Test (with a body, save first) and Pull now. Saving alone is
 * `PUT /api/connections/pax8`; both refuse Pax8 beside Microsoft CSP data (services/pax8/one-source.ts).
 */
export const pax8Routes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const deps = { pool: ctx.pool, box: ctx.box, clock: ctx.clock };

  app.post(
    `${BASE}/test`,
    {
      config: { minRole: 'admin' },
      schema: {
        tags,
        summary: 'Test the Pax8 connection (a token and the first company); with a body, save it first',
        body: ConnectionInput.nullish(),
        response: { 200: ConnectionTestOut, 400: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => {
      const s = sessionOf(request);
      const body = request.body;
      if (body)
        return connectPax8(deps, {
          workspaceId: s.workspace_id,
          settings: body.settings,
          ...(body.secrets ? { secrets: body.secrets } : {}),
          actor: s.email,
        });
      const tested = await testPax8Source(deps, s.workspace_id, s.email);
      const loaded = await requirePax8Source(ctx.pool, ctx.box, s.workspace_id);
      return { ...tested, connection: await getConnectionView(ctx.pool, s.workspace_id, loaded.row.id) };
    },
  );

  app.post(
    `${BASE}/pull`,
    {
      config: { minRole: 'admin' },
      schema: {
        tags,
        summary: 'Pull Pax8 now: customers, the price list and the invoices, stored; the outcome on the card',
        response: { 200: Pax8PullOut, 400: ErrorBody },
      },
    },
    async (request) => pullPax8Source(deps, sessionOf(request).workspace_id),
  );
};
