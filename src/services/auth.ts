import { createHash, randomBytes } from 'node:crypto';
import type { UserId, WorkspaceId } from '../core/ids';
import { type Pool, withTransaction } from '../db/pool';
import { recordAudit } from '../db/repos/audit';
import { deleteSession, findLiveSession, insertSession, type SessionWithUser } from '../db/repos/sessions';
import {
  findUserInWorkspace,
  findUsersByEmail,
  insertUser,
  type Role,
  touchLogin,
  type UserRow,
} from '../db/repos/users';
import { countWorkspaces, insertWorkspace, type WorkspaceRow } from '../db/repos/workspaces';
import { EmailRule, parseRule, WorkspaceNameRule } from './account-rules';
import { AppError } from './errors';
import { assertAcceptablePassword, hashPassword, saltOf } from './password';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The hash of a new account's password. Accounts of one email (one per workspace) share the scrypt salt, so
 * signing in costs one derivation whatever the number of workspaces: the time of a sign-in tells nothing.
 */
async function newPasswordHash(
  pool: Pool,
  email: string,
  password: string,
  inputs: string[],
): Promise<string> {
  assertAcceptablePassword(password, [email, ...inputs]);
  const sibling = (await findUsersByEmail(pool, email))[0];
  const salt = sibling ? saltOf(sibling.password_hash) : undefined;
  return hashPassword(password, salt);
}

const UNIQUE_VIOLATION = '23505';
const inThisWorkspace = (email: string) =>
  new AppError('conflict', `A user with the email ${email} already exists in this workspace`);

export interface NewUser {
  workspaceId: WorkspaceId;
  email: string;
  password: string;
  role: Role;
  actor: string;
}

/**
 * Adds a user to a workspace. Emails are per workspace: the same address in another workspace is another
 * account, and nothing here looks at (or tells about) other workspaces' users.
 */
export async function createUser(pool: Pool, u: NewUser): Promise<UserRow> {
  const email = parseRule(EmailRule, u.email);
  if (await findUserInWorkspace(pool, u.workspaceId, email)) throw inThisWorkspace(email);
  const passwordHash = await newPasswordHash(pool, email, u.password, []);
  try {
    return await withTransaction(pool, async (tx) => {
      const user = await insertUser(tx, { workspaceId: u.workspaceId, email, passwordHash, role: u.role });
      await recordAudit(tx, {
        workspaceId: u.workspaceId,
        actor: u.actor,
        action: 'user.create',
        targetType: 'user',
        targetId: user.id,
        details: { email: user.email, role: user.role },
      });
      return user;
    });
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw inThisWorkspace(email);
    throw error;
  }
}

export async function createWorkspace(pool: Pool, name: string, actor: string): Promise<WorkspaceRow> {
  const checked = parseRule(WorkspaceNameRule, name);
  return withTransaction(pool, async (tx) => {
    const ws = await insertWorkspace(tx, checked);
    await recordAudit(tx, {
      workspaceId: ws.id,
      actor,
      action: 'workspace.create',
      targetType: 'workspace',
      targetId: ws.id,
    });
    return ws;
  });
}

export async function isSetupNeeded(pool: Pool): Promise<boolean> {
  return (await countWorkspaces(pool)) === 0;
}

/**
 * First start: creates the first workspace and its admin in one transaction. A table lock makes two racing
 * setup requests safe: the second sees a workspace and is refused.
 */
export async function setupFirstWorkspace(
  pool: Pool,
  input: { workspaceName: string; email: string; password: string },
): Promise<{ workspace: WorkspaceRow; user: UserRow }> {
  const workspaceName = parseRule(WorkspaceNameRule, input.workspaceName);
  const email = parseRule(EmailRule, input.email);
  const passwordHash = await newPasswordHash(pool, email, input.password, [workspaceName]);
  return withTransaction(pool, async (tx) => {
    await tx.query('lock table workspaces in exclusive mode');
    if ((await countWorkspaces(tx)) > 0) {
      throw new AppError('setup_done', 'billsync is already set up: sign in instead');
    }
    const workspace = await insertWorkspace(tx, workspaceName);
    const user = await insertUser(tx, {
      workspaceId: workspace.id,
      email,
      passwordHash,
      role: 'admin',
    });
    await recordAudit(tx, {
      workspaceId: workspace.id,
      userId: user.id,
      actor: user.email,
      action: 'workspace.setup',
      targetType: 'workspace',
      targetId: workspace.id,
    });
    return { workspace, user };
  });
}

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function startSession(
  pool: Pool,
  user: { id: UserId; workspace_id: WorkspaceId },
  options: { hours: number; now: Date; ip?: string; userAgent?: string },
): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(options.now.getTime() + options.hours * 3600_000);
  await insertSession(pool, {
    workspaceId: user.workspace_id,
    userId: user.id,
    tokenHash: hashToken(token),
    csrfToken,
    expiresAt,
    ...(options.ip ? { ip: options.ip } : {}),
    ...(options.userAgent ? { userAgent: options.userAgent.slice(0, 512) } : {}),
  });
  await touchLogin(pool, user.id);
  return { token, csrfToken, expiresAt };
}

export function resolveSession(pool: Pool, token: string, now: Date): Promise<SessionWithUser | undefined> {
  return findLiveSession(pool, hashToken(token), now);
}

export function endSession(pool: Pool, token: string): Promise<void> {
  return deleteSession(pool, hashToken(token));
}
