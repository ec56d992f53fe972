import type { WorkspaceId } from '../../core/ids';
import { IntegrationError } from '../../core/integration-error';
import type { TargetAdapter } from '../../core/ports/target';
import type { Pool } from '../../db/pool';
import { type ConnectionStatus, getConnectionByKind } from '../../db/repos/connections';
import type { TargetKind } from '../../db/repos/sync';
import type { SecretBox } from '../../runtime/secret-box';
import { connectionUrlProblems, rebindProblem } from '../connection-policy';
import { CONNECTION_SCHEMAS, openSecrets } from '../connections';
import { AppError } from '../errors';
import { setupStatus, shortLine, testFailureMessage } from './connect';
import { TARGET_LABEL } from './psa';

/** A PSA adapter from credentials as entered (runtime/targets.ts makes the real ones). */
export type OpenTargetWith = (
  target: TargetKind,
  settings: Readonly<Record<string, unknown>>,
  secrets: Readonly<Record<string, string>>,
) => Promise<TargetAdapter>;

/** What the entered credentials would give; nothing of it is stored. */
export interface ConnectionCheck {
  ok: boolean;
  status: ConnectionStatus;
  message: string;
}

function invalid(issues: readonly { message: string }[]): AppError {
  return new AppError('validation_failed', issues.map((i) => i.message).join('; '), issues);
}

/**
 * The connect dialog's Test (spec section 2): checks the credentials as entered with a cheap authenticated call,
 * without saving them and without touching the stored connection (its card keeps its state, whatever the test
 * says). Secrets left empty are the stored ones, unless a setting they are bound to changed. The URL policy
 * applies as on save: a URL it refuses is never called.
 */
export async function checkTargetCredentials(
  deps: { pool: Pool; box: SecretBox; openWith: OpenTargetWith },
  input: { workspaceId: WorkspaceId; kind: TargetKind; settings: unknown; secrets?: unknown },
): Promise<ConnectionCheck> {
  const schema = CONNECTION_SCHEMAS[input.kind];
  const settings = schema.settings.safeParse(input.settings ?? {});
  if (!settings.success) throw invalid(settings.error.issues);
  const urlProblems = connectionUrlProblems(input.kind, settings.data);
  if (urlProblems.length > 0) throw new AppError('validation_failed', urlProblems.join('; '));
  let secrets: Record<string, string>;
  if (input.secrets !== undefined) {
    const parsed = schema.secrets.safeParse(input.secrets);
    if (!parsed.success) throw invalid(parsed.error.issues);
    secrets = parsed.data as Record<string, string>;
  } else {
    const stored = await getConnectionByKind(deps.pool, input.workspaceId, input.kind);
    if (!stored?.credentials) {
      throw new AppError(
        'validation_failed',
        `Enter the ${TARGET_LABEL[input.kind]} credentials to test them`,
      );
    }
    const rebind = rebindProblem(input.kind, stored.settings, settings.data);
    if (rebind) throw new AppError('validation_failed', rebind);
    secrets = openSecrets(deps.box, stored);
  }
  const label = TARGET_LABEL[input.kind];
  try {
    const adapter = await deps.openWith(input.kind, settings.data, secrets);
    const checked = await adapter.check({});
    if (!checked.ok) return { ok: false, status: 'error', message: testFailureMessage(checked.error, label) };
    const outcome = await setupStatus(
      deps.pool,
      input.workspaceId,
      input.kind,
      shortLine(checked.value.detail),
    );
    return { ok: true, ...outcome };
  } catch (error) {
    if (error instanceof IntegrationError)
      return { ok: false, status: 'error', message: testFailureMessage(error, label) };
    if (error instanceof AppError) return { ok: false, status: 'error', message: error.message };
    throw error;
  }
}
