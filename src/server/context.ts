import type { Clock } from '../core/time/clock';
import type { Pool } from '../db/pool';
import type { Config } from '../runtime/config';
import type { SecretBox } from '../runtime/secret-box';

/** What route plugins get from the composition root: no globals, so tests build apps with their own parts. */
export interface AppContext {
  config: Config;
  pool: Pool;
  box: SecretBox;
  clock: Clock;
}
