import { IntegrationError } from '../../core/integration-error';
import type { TargetContext } from '../../core/ports/target';
import { allSettledOrThrow } from '../../http';
import { type Condition, chunk, inList, type Query, queryBody, type Scalar } from './query';
import type { ThresholdInfo } from './threshold';
import { type AutotaskConnectionOptions, createTransport, type Transport } from './transport';

/** A record as Autotask sends it (camelCase JSON). */
export type Wire = Record<string, unknown>;

interface Page {
  items?: Wire[];
  pageDetails?: { nextPageUrl?: string | null };
}

export interface FieldInfo {
  name: string;
  /** Max length of a string field (0 = none given). */
  length?: number;
  isPickList?: boolean;
  picklistValues?: Array<{ value: string; label: string; isActive?: boolean }> | null;
}

/**
 * The Autotask REST client of one connection: queries with paging, counts, get by id, create and update
 * (root or child routes), ThresholdInformation and field metadata. Every call takes the caller's context
 * (request counting, cancellation). Failures throw IntegrationError.
 */
export interface AutotaskClient {
  readonly transport: Transport;
  /** Every row of a query, following `pageDetails.nextPageUrl` (POSTed with the same body, §2.3). */
  query<T = Wire>(ctx: TargetContext, entity: string, query: Query): Promise<T[]>;
  /** Rows whose `field` is in `values`, in chunks of 500 (one query per chunk, never one per value). */
  queryIn<T = Wire>(
    ctx: TargetContext,
    entity: string,
    field: string,
    values: readonly Scalar[],
    rest?: { filter?: readonly Condition[]; includeFields?: readonly string[] },
  ): Promise<T[]>;
  count(ctx: TargetContext, entity: string, filter: readonly Condition[]): Promise<number>;
  /** One record, or undefined when Autotask answers 404. */
  get<T = Wire>(ctx: TargetContext, entity: string, id: number): Promise<T | undefined>;
  /** POST `/{path}` (an entity, or a child route `Contracts/{id}/ServiceAdjustments`): the new `itemId` (may be null). */
  create(ctx: TargetContext, path: string, body: Wire): Promise<number | null>;
  /** PATCH `/{path}` with `id` in the body (§3.1: the URL carries no id). */
  update(ctx: TargetContext, path: string, body: Wire & { id: number }): Promise<number | null>;
  threshold(ctx: TargetContext): Promise<ThresholdInfo>;
  fields(ctx: TargetContext, entity: string): Promise<FieldInfo[]>;
}

const protocol = (message: string) => new IntegrationError({ kind: 'protocol', vendor: 'autotask', message });

function itemIdOf(body: unknown, what: string): number | null {
  const id = (body as { itemId?: unknown } | null)?.itemId;
  if (id === null || id === undefined) return null;
  if (typeof id === 'number' && Number.isInteger(id)) return id;
  throw protocol(`${what}: unexpected itemId ${JSON.stringify(id)}`);
}

export function createAutotaskClient(options: AutotaskConnectionOptions): AutotaskClient {
  const t = createTransport(options);

  async function query<T>(ctx: TargetContext, entity: string, q: Query): Promise<T[]> {
    const body = queryBody(q);
    const rows: T[] = [];
    let page = await t.send<Page>(ctx, { method: 'POST', path: `${entity}/query`, body, read: true });
    const seen = new Set<string>();
    for (;;) {
      if (!Array.isArray(page.items)) throw protocol(`${entity}/query answered without items`);
      rows.push(...(page.items as T[]));
      const next = page.pageDetails?.nextPageUrl;
      if (!next) return rows;
      if (seen.has(next)) throw protocol(`${entity}/query: the next page URL repeats`);
      seen.add(next);
      // A POST query's next page is POSTed with the same body; GET there is a 405 (§2.3).
      page = await t.send<Page>(ctx, { method: 'POST', path: next, body, read: true });
    }
  }

  return {
    transport: t,
    query,
    async queryIn<T>(
      ctx: TargetContext,
      entity: string,
      field: string,
      values: readonly Scalar[],
      rest: { filter?: readonly Condition[]; includeFields?: readonly string[] } = {},
    ) {
      const parts = await allSettledOrThrow(
        chunk(values).map((slice) =>
          query<T>(ctx, entity, {
            filter: [inList(field, slice), ...(rest.filter ?? [])],
            ...(rest.includeFields ? { includeFields: rest.includeFields } : {}),
          }),
        ),
      );
      return parts.flat();
    },
    async count(ctx, entity, filter) {
      const body = { filter };
      const res = await t.send<{ queryCount?: unknown }>(ctx, {
        method: 'POST',
        path: `${entity}/query/count`,
        body,
        read: true,
      });
      if (typeof res.queryCount !== 'number')
        throw protocol(`${entity}/query/count answered without queryCount`);
      return res.queryCount;
    },
    async get<T>(ctx: TargetContext, entity: string, id: number) {
      try {
        const res = await t.send<{ item?: T | null }>(ctx, {
          method: 'GET',
          path: `${entity}/${id}`,
          read: true,
        });
        return res.item ?? undefined;
      } catch (error) {
        if (error instanceof IntegrationError && error.kind === 'not_found') return undefined;
        throw error;
      }
    },
    async create(ctx, path, body) {
      return itemIdOf(await t.send(ctx, { method: 'POST', path, body, read: false }), `POST ${path}`);
    },
    async update(ctx, path, body) {
      return itemIdOf(await t.send(ctx, { method: 'PATCH', path, body, read: false }), `PATCH ${path}`);
    },
    async threshold(ctx) {
      const info = await t.send<ThresholdInfo>(ctx, {
        method: 'GET',
        path: 'ThresholdInformation',
        read: true,
        pace: false,
      });
      if (typeof info?.externalRequestThreshold !== 'number')
        throw protocol('ThresholdInformation is malformed');
      t.observeThreshold(info);
      return info;
    },
    async fields(ctx, entity) {
      const res = await t.send<{ fields?: FieldInfo[] }>(ctx, {
        method: 'GET',
        path: `${entity}/entityInformation/fields`,
        read: true,
      });
      if (!Array.isArray(res.fields)) throw protocol(`${entity}/entityInformation/fields is malformed`);
      return res.fields;
    },
  };
}
