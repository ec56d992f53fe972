import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy in front of an emulator that holds chosen requests until the test opens the gate: the request
 * reaches the emulator (and its write lands) only then. It pins a worker mid-sync, at a known write, for as long
 * as the test needs: no timing involved.
 */
export interface GateProxy {
  url: string;
  /** Requests held at the gate right now. */
  held(): number;
  /** Requests let through the gate whose answer went back to the caller. */
  answered(): number;
  /** Lets every held request (and every later one) through. */
  open(): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startGateProxy(
  target: string,
  hold: (method: string, path: string) => boolean,
): Promise<GateProxy> {
  let opened = false;
  let waiting: (() => void)[] = [];
  let answered = 0;
  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await bodyOf(req);
    const gated = !opened && hold(req.method ?? 'GET', req.url ?? '/');
    if (gated) await new Promise<void>((resolve) => waiting.push(resolve));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && !HOP_BY_HOP.has(k)) headers[k] = v;
    }
    const method = req.method ?? 'GET';
    const answer = await fetch(`${target}${req.url ?? '/'}`, {
      method,
      headers,
      ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
    });
    const out = Buffer.from(await answer.arrayBuffer());
    const outHeaders: Record<string, string> = {};
    answer.headers.forEach((v, k) => {
      if (!HOP_BY_HOP.has(k) && k !== 'content-encoding') outHeaders[k] = v;
    });
    res.writeHead(answer.status, outHeaders);
    res.end(out, () => {
      if (gated) answered += 1;
    });
  };
  const server = createServer((req, res) => {
    forward(req, res).catch((error: unknown) => {
      res.writeHead(502).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    held: () => waiting.length,
    answered: () => answered,
    open() {
      opened = true;
      for (const go of waiting) go();
      waiting = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
