/** The pg-boss schema, in billsync's own database. Its own module: reading job lists must not load pg-boss. */
export const QUEUE_SCHEMA = 'pgboss';
