/** Minimal types for the untyped third-party client used by the conformance test (devDependency). */
declare module '@apigrate/autotask-restapi' {
  // biome-ignore lint/suspicious/noExplicitAny: the client returns parsed JSON; the test asserts on it.
  type Json = any;
  export interface AutotaskEntityApi {
    query(search: unknown): Promise<Json>;
    count(search: unknown): Promise<Json>;
    get(id: number): Promise<Json>;
    create(...args: unknown[]): Promise<Json>;
    update(...args: unknown[]): Promise<Json>;
    replace(...args: unknown[]): Promise<Json>;
    delete(...args: unknown[]): Promise<Json>;
    info(): Promise<Json>;
    fieldInfo(): Promise<Json>;
  }
  export class AutotaskRestApi {
    constructor(
      user: string,
      secret: string,
      code: string,
      options?: { base_url?: string; version?: string },
    );
    zoneInfo: { zoneName: string; url: string; webUrl: string; ci: number } | null;
    _post(endpoint: string, payload?: unknown): Promise<Json>;
    _get(endpoint: string, query?: Record<string, string>): Promise<Json>;
    [entity: string]: Json;
  }
  export class AutotaskApiError extends Error {
    status: number;
    details: Json;
  }
  export const FilterOperators: Record<string, string>;
}
