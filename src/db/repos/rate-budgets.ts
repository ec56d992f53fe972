import type { Queryable } from '../pool';

/** A token bucket: `perMinute` tokens a minute come back, at most `burst` kept. */
export interface RateBudgetShape {
  perMinute: number;
  burst: number;
}

/**
 * Takes one token from a connection's bucket at `at` (ms since the epoch), refilling it first for the time since its
 * last refill. The row is locked (`for update`: a process that waited on another's take reads the bucket as that one
 * left it), so takes at once never share a token. Returns 0 when a token was taken, else the milliseconds until one
 * will be there (nothing is taken then).
 */
export async function takeRateToken(
  db: Queryable,
  connectionId: string,
  shape: RateBudgetShape,
  at: number,
): Promise<number> {
  const perMs = shape.perMinute / 60_000;
  for (let attempt = 0; attempt < 2; attempt++) {
    const res = await db.query<{ available: number }>(
      `with cur as (
         select least($3::double precision,
                      tokens + $2::double precision
                        * greatest(0, $4::double precision - extract(epoch from refilled_at) * 1000)) as available
           from psa_rate_budgets where connection_id = $1 for update
       )
       update psa_rate_budgets b
          set tokens = case when cur.available >= 1 then cur.available - 1 else cur.available end,
              refilled_at = greatest(b.refilled_at, to_timestamp($4::double precision / 1000))
         from cur
        where b.connection_id = $1
       returning cur.available`,
      [connectionId, perMs, shape.burst, at],
    );
    const row = res.rows[0];
    if (row) {
      const available = Number(row.available);
      return available >= 1 ? 0 : Math.max(1, Math.ceil((1 - available) / perMs));
    }
    // The connection's first request: a full bucket, then take from it as above.
    await db.query(
      `insert into psa_rate_budgets (connection_id, tokens, refilled_at)
       values ($1, $2, to_timestamp($3::double precision / 1000)) on conflict (connection_id) do nothing`,
      [connectionId, shape.burst, at],
    );
  }
  throw new Error(`no rate budget row for connection ${connectionId}`);
}
