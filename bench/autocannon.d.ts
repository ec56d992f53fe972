// The part of autocannon 9's API the web bench uses (the package ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  export interface Request {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    [key: string]: unknown;
  }

  export interface Client extends EventEmitter {
    setRequests(requests: Request[]): void;
    requestIterator: { currentRequest: Request };
  }

  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    pipelining?: number;
    timeout?: number;
    requests?: Request[];
    setupClient?: (client: Client) => void;
  }

  export interface Result {
    requests: { total: number };
    errors: number;
    timeouts: number;
    non2xx: number;
  }

  export default function autocannon(options: Options): Promise<Result> & EventEmitter;
}
