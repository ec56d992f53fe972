import type { FastifyInstance, FastifyReply } from 'fastify';
import { invoiceThrough } from '../billing/invoicing';
import { formatCents } from '../billing/money';
import { billingReport } from '../billing/report';
import { mergeLimits, mergeRules } from '../option-values';
import { RESOURCES, resourceOf } from '../schema/registry';
import type { ConnectWiseSeed } from '../store/seed';
import { type EmulatorCtx, rowsOf, TABLES, type TableName } from '../store/state';
import { toWire, type WireOptions } from '../store/wire';
import { createRow, deleteRow, patchRow } from '../writes/writer';
import { CwError } from './errors';
import type { LimitsTracker } from './limits';

export interface ConnectWiseAdminDeps {
  ctx: () => EmulatorCtx;
  limits: LimitsTracker;
  loadSeed: (seed: ConnectWiseSeed | 'demo') => void;
}

const bad = (reply: FastifyReply, message: string, status = 400) =>
  reply.code(status).send({ error: message });
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function tableOf(name: string): TableName | undefined {
  return (TABLES as readonly string[]).find((t) => t.toLowerCase() === name.toLowerCase()) as
    | TableName
    | undefined;
}

/** Rows as the API would answer them (links to a placeholder host, newest model). */
function dumpState(ctx: EmulatorCtx) {
  const s = ctx.state;
  const wire: WireOptions = { origin: 'https://emulator', codebase: 'v4_6_release', version: 9_999_999 };
  const tables = Object.fromEntries(
    RESOURCES.map((r) => [r.key, rowsOf(s, r.key).map((row) => toWire(ctx, r, row, wire))]),
  );
  const invoices = [...s.invoiced.values()].map((inv) => ({
    ...inv,
    lines: inv.lines.map((l) => ({
      ...l,
      amountCents: undefined,
      costCents: undefined,
      amount: formatCents(l.amountCents),
      cost: formatCents(l.costCents),
    })),
  }));
  return {
    tenant: s.tenant,
    apiMembers: s.apiMembers,
    nextIds: s.nextIds,
    today: ctx.clock.today(),
    ...tables,
    invoices,
  };
}

/**
 * ConnectWise-specific admin routes (JSON, no ConnectWise auth, never faulted, not counted). The kit adds
 * clock, requests and faults. Edits "in the UI" go through the API's rules, as a member would make them.
 */
export function registerConnectWiseAdminRoutes(
  app: FastifyInstance,
  deps: ConnectWiseAdminDeps,
  prefix = '/_emulator',
) {
  const ctx = deps.ctx;
  const sendError = (reply: FastifyReply, err: unknown) =>
    err instanceof CwError ? reply.code(err.status).send(err.body) : bad(reply, (err as Error).message);

  app.post<{ Body: unknown }>(`${prefix}/seed`, async (request, reply) => {
    const body = request.body as { seed?: unknown } | null;
    try {
      deps.loadSeed(body?.seed === 'demo' ? 'demo' : (body as ConnectWiseSeed));
    } catch (err) {
      return bad(reply, (err as Error).message);
    }
    return { loaded: Object.fromEntries(TABLES.map((t) => [t, ctx().state.tables[t].size])) };
  });
  app.get(`${prefix}/state`, async () => dumpState(ctx()));

  app.post<{ Params: { table: string }; Body: Record<string, unknown> }>(
    `${prefix}/entities/:table`,
    async (request, reply) => {
      const table = tableOf(request.params.table);
      if (!table) return bad(reply, 'no such table', 404);
      const { agreementId, ...body } = request.body ?? {};
      try {
        const parent = typeof agreementId === 'number' ? { parentId: agreementId } : {};
        const row = createRow(ctx(), resourceOf(table), body, { actor: 'admin', ...parent });
        return { id: row.id };
      } catch (err) {
        return sendError(reply, err);
      }
    },
  );
  app.patch<{ Params: { table: string; id: string }; Body: unknown }>(
    `${prefix}/entities/:table/:id`,
    async (request, reply) => {
      const table = tableOf(request.params.table);
      const row = table ? ctx().state.tables[table].get(Number(request.params.id)) : undefined;
      if (!table || !row) return bad(reply, 'no such row', 404);
      // A plain object of changes is turned into replace operations.
      const body = request.body;
      const ops = Array.isArray(body)
        ? body
        : Object.entries((body ?? {}) as object).map(([path, value]) => ({ op: 'replace', path, value }));
      try {
        patchRow(ctx(), resourceOf(table), row, ops, 'admin');
        return { id: row.id };
      } catch (err) {
        return sendError(reply, err);
      }
    },
  );
  app.delete<{ Params: { table: string; id: string } }>(
    `${prefix}/entities/:table/:id`,
    async (request, reply) => {
      const table = tableOf(request.params.table);
      const row = table ? ctx().state.tables[table].get(Number(request.params.id)) : undefined;
      if (!table || !row) return bad(reply, 'no such row', 404);
      try {
        deleteRow(ctx(), resourceOf(table), row, 'admin');
        return { deleted: { table, id: row.id } };
      } catch (err) {
        return sendError(reply, err);
      }
    },
  );

  app.post<{ Body: { through?: unknown; agreementId?: unknown } }>(
    `${prefix}/invoice`,
    async (request, reply) => {
      const { through, agreementId } = request.body ?? {};
      if (
        typeof through !== 'string' ||
        !DATE.test(through) ||
        (agreementId !== undefined && typeof agreementId !== 'number')
      ) {
        return bad(reply, 'body must be {"through":"YYYY-MM-DD","agreementId"?:number}');
      }
      const done = invoiceThrough(ctx(), through, agreementId as number | undefined);
      return {
        invoiced: done.map((inv) => ({
          agreementId: inv.agreementId,
          periodStart: inv.periodStart,
          periodEnd: inv.periodEnd,
          amount: formatCents(inv.lines.reduce((a, l) => a + l.amountCents, 0n)),
          cost: formatCents(inv.lines.reduce((a, l) => a + l.costCents, 0n)),
        })),
      };
    },
  );
  app.get<{ Querystring: { agreementId?: string; from?: string; to?: string } }>(
    `${prefix}/billing`,
    async (request, reply) => {
      const { agreementId, from, to = from } = request.query;
      const usage =
        'query must be ?agreementId=<id>&from=YYYY-MM[&to=YYYY-MM], from <= to, at most 120 months';
      if (
        !/^\d+$/.test(agreementId ?? '') ||
        !from ||
        !to ||
        !MONTH.test(from) ||
        !MONTH.test(to) ||
        from > to
      ) {
        return bad(reply, usage);
      }
      const index = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7));
      if (index(to) - index(from) >= 120) return bad(reply, usage);
      return billingReport(ctx(), Number(agreementId), from, to) ?? bad(reply, 'no such agreement', 404);
    },
  );

  app.get(`${prefix}/limits`, async () => ({
    limits: deps.limits.limits,
    currentMinuteRequestCount: deps.limits.currentCount(ctx().clock.nowMs()),
    inFlight: deps.limits.inFlightCount(),
  }));
  app.put<{ Body: unknown }>(`${prefix}/limits`, async (request, reply) => {
    const next = mergeLimits(deps.limits.limits, request.body);
    if (!next.ok) return bad(reply, next.error);
    deps.limits.limits = next.value;
    return { limits: deps.limits.limits };
  });
  app.delete(`${prefix}/limits/usage`, async () => {
    deps.limits.resetUsage();
    return { currentMinuteRequestCount: 0 };
  });
  app.get(`${prefix}/rules`, async () => ({ rules: ctx().rules }));
  app.put<{ Body: unknown }>(`${prefix}/rules`, async (request, reply) => {
    const next = mergeRules(ctx().rules, request.body);
    if (!next.ok) return bad(reply, next.error);
    ctx().rules = next.value;
    return { rules: ctx().rules };
  });
}
