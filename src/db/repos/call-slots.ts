import { randomUUID } from 'node:crypto';
import type { Queryable } from '../pool';

/** A place held by one request: release it with `releaseCallSlot`. */
export interface CallSlotLease {
  slot: number;
  holder: string;
}

/**
 * Takes a free place among `slots` of a connection's endpoint for `holdSeconds` (the longest a request may hold it:
 * past it the place is free again, as after its holder died). One statement: the free row is locked with `skip
 * locked`, so concurrent takers never get the same place. Returns undefined when every place is held.
 */
export async function takeCallSlot(
  db: Queryable,
  connectionId: string,
  endpoint: string,
  slots: number,
  holdSeconds: number,
): Promise<CallSlotLease | undefined> {
  const holder = randomUUID();
  for (let attempt = 0; attempt < 2; attempt++) {
    const res = await db.query<{ slot: number; places: number }>(
      `with places as (
         select slot, held_until from psa_call_slots where connection_id = $1 and endpoint = $2
       ), free as (
         select slot from psa_call_slots
          where connection_id = $1 and endpoint = $2 and slot < $4 and held_until < now()
          order by slot limit 1 for update skip locked
       ), taken as (
         update psa_call_slots s set holder = $3, held_until = now() + make_interval(secs => $5)
           from free where s.connection_id = $1 and s.endpoint = $2 and s.slot = free.slot
         returning s.slot
       )
       select (select slot from taken) as slot, (select count(*)::int from places where slot < $4) as places`,
      [connectionId, endpoint, holder, slots, holdSeconds],
    );
    const row = res.rows[0];
    if (row?.slot !== null && row?.slot !== undefined) return { slot: Number(row.slot), holder };
    if ((row?.places ?? 0) >= slots) return undefined;
    // The endpoint's first request (or more places than before): create the rows, then take as above.
    await db.query(
      `insert into psa_call_slots (connection_id, endpoint, slot)
       select $1, $2, s from generate_series(0, $3 - 1) s on conflict do nothing`,
      [connectionId, endpoint, slots],
    );
  }
  return undefined;
}

/** Holds a place `holdSeconds` more from now (false when the lease ended and another holds it). */
export async function renewCallSlot(
  db: Queryable,
  connectionId: string,
  endpoint: string,
  lease: CallSlotLease,
  holdSeconds: number,
): Promise<boolean> {
  const res = await db.query(
    `update psa_call_slots set held_until = now() + make_interval(secs => $5)
      where connection_id = $1 and endpoint = $2 and slot = $3 and holder = $4`,
    [connectionId, endpoint, lease.slot, lease.holder, holdSeconds],
  );
  return (res.rowCount ?? 0) > 0;
}

/** Frees a place taken by `takeCallSlot` (nothing when its lease has ended and another holds it now). */
export async function releaseCallSlot(
  db: Queryable,
  connectionId: string,
  endpoint: string,
  lease: CallSlotLease,
): Promise<void> {
  await db.query(
    `update psa_call_slots set holder = null, held_until = '-infinity'
      where connection_id = $1 and endpoint = $2 and slot = $3 and holder = $4`,
    [connectionId, endpoint, lease.slot, lease.holder],
  );
}
