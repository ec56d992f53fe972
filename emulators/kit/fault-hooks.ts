import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultInjector, FaultKind, FaultRule } from './fault-injector';
import { realSleep, type Sleep } from './sleep';

export interface FaultHookOptions {
  /** Vendor-shaped body for an injected status fault without its own `body`. */
  errorBody?: (kind: Extract<FaultKind, '429' | '500' | '503'>, request: FastifyRequest) => unknown;
  /** Requests that faults never touch (e.g. the admin API). Default: paths under `/_emulator`. */
  skip?: (request: FastifyRequest) => boolean;
  sleep?: Sleep;
  /** Called when a fault fires (for logging). */
  onFault?: (rule: FaultRule, request: FastifyRequest) => void;
}

export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

const defaultErrorBody = (kind: string) => ({ errors: [`Injected fault: HTTP ${kind}`] });

/**
 * Applies the injector's rules to every request of `app`:
 * - `429`/`500`/`503` answer at once (the handler does not run, nothing is written);
 * - `slow` waits `delayMs` and then handles the request normally;
 * - `hang` never answers (the client times out); with `delayMs` the socket is closed after that delay;
 * - `lost-response` runs the handler (the write is applied) and then destroys the socket instead of answering.
 * Hung sockets are destroyed when the app closes.
 */
export function registerFaultHooks(
  app: FastifyInstance,
  faults: FaultInjector,
  options: FaultHookOptions = {},
) {
  const sleep = options.sleep ?? realSleep;
  const skip = options.skip ?? ((req: FastifyRequest) => /^\/_emulator(\/|$)/i.test(pathOf(req.url)));
  const errorBody = options.errorBody ?? defaultErrorBody;
  const lost = new WeakSet<FastifyRequest>();
  const hung = new Set<Socket>();

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (skip(request)) return;
    const rule = faults.take(request.method, pathOf(request.url));
    if (!rule) return;
    options.onFault?.(rule, request);
    switch (rule.kind) {
      case '429':
        reply.header('Retry-After', String(rule.retryAfter ?? 1));
        return reply.code(429).send(rule.body ?? errorBody('429', request));
      case '500':
      case '503':
        return reply.code(Number(rule.kind)).send(rule.body ?? errorBody(rule.kind, request));
      case 'slow':
        await sleep(rule.delayMs ?? 1000);
        return;
      case 'lost-response':
        lost.add(request);
        return;
      case 'hang': {
        reply.hijack();
        const socket = request.raw.socket;
        hung.add(socket);
        socket.once('close', () => hung.delete(socket));
        if (rule.delayMs !== undefined) void sleep(rule.delayMs).then(() => socket.destroy());
        return reply;
      }
    }
  });

  app.addHook('onSend', async (request, _reply, payload) => {
    // The handler has run and its writes are applied; the client never sees the answer.
    if (lost.has(request)) request.raw.socket.destroy();
    return payload;
  });

  app.addHook('preClose', async () => {
    for (const socket of hung) socket.destroy();
    hung.clear();
  });
}
