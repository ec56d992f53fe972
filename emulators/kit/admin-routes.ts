import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Clock } from './clock';
import { type FaultInjector, validateFaultSpec } from './fault-injector';
import type { RequestLog } from './request-log';

export interface KitAdminOptions {
  clock: Clock;
  faults: FaultInjector;
  requestLog: RequestLog;
  /** Default `/_emulator`. */
  prefix?: string;
}

function badRequest(reply: FastifyReply, message: string) {
  return reply.code(400).send({ error: message });
}

/**
 * The admin routes every emulator shares (JSON, no vendor auth):
 * `GET|PUT /clock`, `POST /clock/advance`, `GET|DELETE /requests`, `GET|POST|DELETE /faults`, `DELETE /faults/:id`.
 */
export function registerKitAdminRoutes(app: FastifyInstance, options: KitAdminOptions) {
  const { clock, faults, requestLog } = options;
  const prefix = options.prefix ?? '/_emulator';
  const clockView = () => ({ now: clock.now().toISOString(), today: clock.today(), ticking: clock.ticking });

  app.get(`${prefix}/clock`, async () => clockView());
  app.put<{ Body: { now?: unknown } }>(`${prefix}/clock`, async (request, reply) => {
    const now = request.body?.now;
    if (typeof now !== 'string')
      return badRequest(reply, 'body must be {"now": "<ISO instant or YYYY-MM-DD>"}');
    try {
      clock.set(now);
    } catch (err) {
      return badRequest(reply, (err as Error).message);
    }
    return clockView();
  });
  app.post<{ Body: { ms?: unknown; days?: unknown } }>(`${prefix}/clock/advance`, async (request, reply) => {
    const { ms, days } = request.body ?? {};
    const total = (typeof ms === 'number' ? ms : 0) + (typeof days === 'number' ? days * 86_400_000 : 0);
    if (typeof ms !== 'number' && typeof days !== 'number') {
      return badRequest(reply, 'body must be {"ms": <number>} and/or {"days": <number>}');
    }
    clock.advance(total);
    return clockView();
  });

  app.get<{ Querystring: { entries?: string } }>(`${prefix}/requests`, async (request) => {
    const counts = requestLog.counts();
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return request.query.entries === 'true'
      ? { total, counts, entries: requestLog.entries() }
      : { total, counts };
  });
  app.delete(`${prefix}/requests`, async () => {
    requestLog.reset();
    return { total: 0, counts: {} };
  });

  app.get(`${prefix}/faults`, async () => ({ faults: faults.list() }));
  app.post(`${prefix}/faults`, async (request, reply) => {
    const body = request.body;
    const specs = Array.isArray(body) ? body : [body];
    try {
      const created = specs.map((spec) => faults.inject(validateFaultSpec(spec)));
      return { faults: created };
    } catch (err) {
      return badRequest(reply, (err as Error).message);
    }
  });
  app.delete(`${prefix}/faults`, async () => ({ removed: faults.clear() }));
  app.delete<{ Params: { id: string } }>(`${prefix}/faults/:id`, async (request, reply) => {
    const removed = faults.clear(request.params.id);
    return removed === 0 ? reply.code(404).send({ error: 'no such fault' }) : { removed };
  });
}
