import type { WorkspaceId } from '../core/ids';
import type { TargetAdapter } from '../core/ports/target';
import type { Clock } from '../core/time/clock';
import type { Pool } from '../db/pool';
import type { Config } from '../runtime/config';
import type { SecretBox } from '../runtime/secret-box';
import type { SecurityConfig } from './security-config';

/** What route plugins get from the composition root: no globals, so tests build apps with their own parts. */
export interface AppContext {
  config: Config;
  pool: Pool;
  box: SecretBox;
  clock: Clock;
  /** Proxy trust and sign-in limits (BILLSYNC_TRUST_PROXY, BILLSYNC_LOGIN_ACCOUNT_RATE); defaults when absent. */
  security?: SecurityConfig;
  /**
   * The PSA adapter of a workspace's connection. Production wires the real adapters (src/runtime/targets.ts);
   * tests pass fakes or the emulator-backed adapter.
   */
  openTarget?: (workspaceId: WorkspaceId, target: 'autotask' | 'connectwise') => Promise<TargetAdapter>;
}
