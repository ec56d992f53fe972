/**
 * The PSA slots live in the engine (src/engine/psa-slots.ts) since every path that writes to a PSA takes one: the
 * job handlers here and the synchronous syncs of the API and the CLI (src/services/sync/actions.ts).
 */
export { PSA_JOB_SLOTS, type SlotOptions, withPsaSlot } from '../engine/psa-slots';
