import type { FastifyInstance, FastifyReply } from 'fastify';
import { findEntity, findVisibleField } from '../metadata/registry';
import { mergeLimits, mergeRules } from '../option-values';
import type { AutotaskSeed } from '../store/seed';
import { type EmulatorCtx, type Row, STORED_ENTITIES, type StoredEntity, sortedRows } from '../store/state';
import { coerceValue, parseDateOnly } from '../store/values';
import { approveAndPost } from '../units/approve-post';
import { billingReport } from '../units/billing-report';
import { allUnitRows, unitsOnDay } from '../units/derive-units';
import type { LimitsTracker } from './limits';

export interface AutotaskAdminDeps {
  ctx: () => EmulatorCtx;
  limits: LimitsTracker;
  loadSeed: (seed: AutotaskSeed | 'demo') => void;
}

const bad = (reply: FastifyReply, message: string, status = 400) =>
  reply.code(status).send({ error: message });

/** Public view of a stored row: internal `_` keys dropped. */
const publicRow = (row: Row) => Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith('_')));

export function dumpState(ctx: EmulatorCtx) {
  const s = ctx.state;
  const tables = Object.fromEntries(STORED_ENTITIES.map((e) => [e, sortedRows(s, e).map(publicRow)]));
  return {
    zone: s.zone,
    apiUsers: s.apiUsers,
    nextId: s.nextId,
    today: ctx.clock.today(),
    ...tables,
    ContractServiceUnits: allUnitRows(ctx),
    posted: [...s.posted.values()],
    storedPrices: Object.fromEntries(s.storedPrices),
  };
}

function storedEntity(name: string): StoredEntity | undefined {
  const meta = findEntity(name);
  return meta && (STORED_ENTITIES as readonly string[]).includes(meta.name)
    ? (meta.name as StoredEntity)
    : undefined;
}

/** Deleting "in the UI": contracts take their lines, adjustments and posted marks along; others must be unused. */
function deleteRow(ctx: EmulatorCtx, entity: StoredEntity, id: number, cascade: boolean): string | undefined {
  const t = ctx.state.tables;
  const lines = [...t.ContractServices.values()].filter((cs) =>
    entity === 'Contracts'
      ? cs.contractID === id
      : entity === 'Services'
        ? cs.serviceID === id
        : cs.id === id,
  );
  if (entity === 'Services' && lines.length > 0 && !cascade) {
    return 'The service is on a contract; delete with ?cascade=true to remove it from its contracts too.';
  }
  if (entity === 'ContractServices' || entity === 'Contracts' || entity === 'Services') {
    for (const cs of lines) {
      t.ContractServices.delete(cs.id);
      for (const a of [...t.ContractServiceAdjustments.values()]) {
        if (a.contractServiceID === cs.id) t.ContractServiceAdjustments.delete(a.id);
      }
      for (const [k, p] of [...ctx.state.posted])
        if (p.contractServiceId === cs.id) ctx.state.posted.delete(k);
      for (const k of [...ctx.state.storedPrices.keys()])
        if (k.startsWith(`${cs.id}|`)) ctx.state.storedPrices.delete(k);
    }
  }
  if (entity === 'Contracts') {
    for (const c of [...t.ContractCharges.values()]) if (c.contractID === id) t.ContractCharges.delete(c.id);
  }
  t[entity].delete(id);
  return undefined;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Autotask-specific admin routes (JSON, no Autotask auth). The kit adds clock, requests and faults. */
export function registerAutotaskAdminRoutes(
  app: FastifyInstance,
  deps: AutotaskAdminDeps,
  prefix = '/_emulator',
) {
  const ctx = deps.ctx;
  app.post<{ Body: unknown }>(`${prefix}/seed`, async (request, reply) => {
    const body = request.body;
    const isDemo = typeof body === 'object' && body !== null && (body as { seed?: unknown }).seed === 'demo';
    try {
      deps.loadSeed(isDemo ? 'demo' : (body as AutotaskSeed));
    } catch (err) {
      return bad(reply, (err as Error).message);
    }
    const s = ctx().state;
    return { loaded: Object.fromEntries(STORED_ENTITIES.map((e) => [e, s.tables[e].size])) };
  });
  app.get(`${prefix}/state`, async () => dumpState(ctx()));

  app.delete<{ Params: { entity: string; id: string }; Querystring: { cascade?: string } }>(
    `${prefix}/entities/:entity/:id`,
    async (request, reply) => {
      const entity = storedEntity(request.params.entity);
      const id = Number(request.params.id);
      if (!entity || !ctx().state.tables[entity].has(id)) return bad(reply, 'no such object', 404);
      const refused = deleteRow(ctx(), entity, id, request.query.cascade === 'true');
      return refused ? bad(reply, refused, 409) : { deleted: { entity, id } };
    },
  );

  // Editing "in the UI": fields are type-checked, API business rules are skipped.
  app.patch<{ Params: { entity: string; id: string }; Body: Record<string, unknown> }>(
    `${prefix}/entities/:entity/:id`,
    async (request, reply) => {
      const entity = storedEntity(request.params.entity);
      const row = entity ? ctx().state.tables[entity].get(Number(request.params.id)) : undefined;
      if (!entity || !row) return bad(reply, 'no such object', 404);
      const meta = findEntity(entity);
      for (const [key, value] of Object.entries(request.body ?? {})) {
        const f = meta && findVisibleField(meta, key);
        if (!f || f.name === 'id') return bad(reply, `unknown field ${key}`);
        try {
          row[f.name] = coerceValue(f, value);
        } catch (err) {
          return bad(reply, (err as Error).message);
        }
      }
      // Stored again so the table's indexes see an edited key field (store/indexes.ts).
      ctx().state.tables[entity].set(row.id, row);
      return { item: publicRow(row) };
    },
  );
  app.post<{ Params: { id: string } }>(`${prefix}/services/:id/deactivate`, async (request, reply) => {
    const service = ctx().state.tables.Services.get(Number(request.params.id));
    if (!service) return bad(reply, 'no such service', 404);
    service.isActive = false;
    return { item: publicRow(service) };
  });

  app.post<{ Body: { through?: string; contractId?: number } }>(
    `${prefix}/approve-and-post`,
    async (request, reply) => {
      const through = parseDateOnly(String(request.body?.through ?? ''));
      if (!through) return bad(reply, 'body must be {"through":"YYYY-MM-DD","contractId"?:number}');
      return approveAndPost(ctx(), through, request.body?.contractId);
    },
  );
  app.get<{ Querystring: { contractServiceId?: string; date?: string } }>(
    `${prefix}/units`,
    async (request, reply) => {
      const cs = ctx().state.tables.ContractServices.get(Number(request.query.contractServiceId));
      const date = parseDateOnly(request.query.date ?? ctx().clock.today());
      if (!cs || !date) return bad(reply, 'query must be ?contractServiceId=<id>&date=YYYY-MM-DD');
      const { units, price, cost } = unitsOnDay(ctx(), cs, date);
      return { contractServiceId: cs.id, date, units, price, cost };
    },
  );

  app.get<{ Querystring: { contractId?: string; from?: string; to?: string } }>(
    `${prefix}/billing`,
    async (request, reply) => {
      const { contractId, from, to = from } = request.query;
      const usage =
        'query must be ?contractId=<id>&from=YYYY-MM[&to=YYYY-MM], from <= to, at most 120 months';
      if (!/^\d+$/.test(contractId ?? '') || !from || !to || !MONTH.test(from) || !MONTH.test(to)) {
        return bad(reply, usage);
      }
      const index = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7));
      if (from > to || index(to) - index(from) >= 120) return bad(reply, usage);
      return billingReport(ctx(), Number(contractId), from, to) ?? bad(reply, 'no such contract', 404);
    },
  );

  app.get(`${prefix}/limits`, async () => ({
    limits: deps.limits.limits,
    currentTimeframeRequestCount: deps.limits.currentCount(ctx().clock.nowMs()),
    inFlight: deps.limits.inFlightCount(),
  }));
  app.put<{ Body: unknown }>(`${prefix}/limits`, async (request, reply) => {
    const next = mergeLimits(deps.limits.limits, request.body);
    if (!next.ok) return bad(reply, next.error);
    deps.limits.limits = next.value;
    return { limits: deps.limits.limits };
  });
  app.get(`${prefix}/rules`, async () => ({ rules: ctx().rules }));
  app.put<{ Body: unknown }>(`${prefix}/rules`, async (request, reply) => {
    const next = mergeRules(ctx().rules, request.body);
    if (!next.ok) return bad(reply, next.error);
    ctx().rules = next.value;
    return { rules: ctx().rules };
  });
  app.delete(`${prefix}/limits/usage`, async () => {
    deps.limits.resetUsage();
    return { currentTimeframeRequestCount: 0 };
  });
}
