import type { Clock } from '../../core/time/clock';
import type { Pool } from '../../db/pool';
import type { SecretBox } from '../../runtime/secret-box';
import type { Pax8ClientOptions } from '../../sources/pax8';

/** What the Pax8 services need: the database, the key of the secrets, the clock, HTTP settings (tests: sleep). */
export interface Pax8Deps {
  pool: Pool;
  box: SecretBox;
  clock: Clock;
  http?: Pax8ClientOptions['http'];
  log?: (message: string) => void;
}
