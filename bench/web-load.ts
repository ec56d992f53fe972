import autocannon, { type Client, type Request } from 'autocannon';

/**
 * The web bench's load generator, in its own process so that the users' side does not share the server's event
 * loop (as browsers don't): autocannon with one connection per user, each with its own session cookie, cycling
 * through the request mix from its own place in it. Reads a LoadInput as JSON on stdin, writes a LoadOutput as
 * JSON on stdout. Latency is per request, from writing it to the last byte of the answer, kept per route family.
 */

export interface LoadInput {
  url: string;
  /** One session cookie per connection (a user). */
  cookies: string[];
  seconds: number;
  warmupSeconds: number;
  requests: { family: string; path: string }[];
}

export interface FamilyFigures {
  count: number;
  failed: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LoadOutput {
  seconds: number;
  requests: number;
  perSecond: number;
  errors: number;
  families: Record<string, FamilyFigures>;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : 0;

const round = (ms: number) => Math.round(ms * 10) / 10;

async function run(input: LoadInput, seconds: number): Promise<LoadOutput> {
  const latencies = new Map<string, number[]>();
  const failed = new Map<string, number>();
  let next = 0;
  const setupClient = (client: Client) => {
    const user = next++;
    const cookie = input.cookies[user % input.cookies.length]!;
    // Each user starts at another place of the mix, so the users do not ask the same thing at the same moment.
    const start = Math.floor((user * input.requests.length) / input.cookies.length);
    const mine = [...input.requests.slice(start), ...input.requests.slice(0, start)];
    client.setRequests(
      mine.map((r): Request => ({ method: 'GET', path: r.path, headers: { cookie }, family: r.family })),
    );
    // With one request in flight per connection, the current request is the one this answer belongs to.
    client.on('response', (status: number, _bytes: number, ms: number) => {
      const family = String(client.requestIterator.currentRequest.family);
      if (!latencies.has(family)) latencies.set(family, []);
      latencies.get(family)!.push(ms);
      if (status < 200 || status > 299) failed.set(family, (failed.get(family) ?? 0) + 1);
    });
  };
  const result = await autocannon({
    url: input.url,
    connections: input.cookies.length,
    duration: seconds,
    pipelining: 1,
    timeout: 30,
    requests: input.requests.map((r) => ({ method: 'GET', path: r.path })),
    setupClient,
  });
  const families: Record<string, FamilyFigures> = {};
  for (const [family, list] of latencies) {
    const sorted = [...list].sort((a, b) => a - b);
    families[family] = {
      count: sorted.length,
      failed: failed.get(family) ?? 0,
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.at(-1) ?? 0),
    };
  }
  return {
    seconds,
    requests: result.requests.total,
    perSecond: Math.round(result.requests.total / seconds),
    errors: result.errors + result.timeouts,
    families,
  };
}

async function main() {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as LoadInput;
  // A warm-up first (connections, the database's caches, the JIT), not counted.
  if (input.warmupSeconds > 0) await run(input, input.warmupSeconds);
  process.stdout.write(JSON.stringify(await run(input, input.seconds)));
}

await main();
