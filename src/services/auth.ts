import { createHash, randomBytes } from 'node:crypto';
import type { UserId, WorkspaceId } from '../core/ids';
import { type Pool, withTransaction } from '../db/pool';
import { recordAudit } from '../db/repos/audit';
import { deleteSession, findLiveSession, insertSession, type SessionWithUser } from '../db/repos/sessions';
import { findUserByEmail, insertUser, type Role, touchLogin, type UserRow } from '../db/repos/users';
import { countWorkspaces, insertWorkspace, type WorkspaceRow } from '../db/repos/workspaces';
import { AppError } from './errors';
import { dummyHash, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './password';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function checkCredentialsShape(email: string, password: string): void {
  if (!EMAIL.test(email.trim()))
    throw new AppError('validation_failed', `"${email}" is not an email address`);
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError(
      'validation_failed',
      `The password must be at least ${MIN_PASSWORD_LENGTH} characters long`,
    );
  }
}

export interface NewUser {
  workspaceId: WorkspaceId;
  email: string;
  password: string;
  role: Role;
  actor: string;
}

export async function createUser(pool: Pool, u: NewUser): Promise<UserRow> {
  checkCredentialsShape(u.email, u.password);
  if (await findUserByEmail(pool, u.email)) {
    throw new AppError('conflict', `A user with the email ${u.email} already exists`);
  }
  const passwordHash = await hashPassword(u.password);
  return withTransaction(pool, async (tx) => {
    const user = await insertUser(tx, {
      workspaceId: u.workspaceId,
      email: u.email,
      passwordHash,
      role: u.role,
    });
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
}

export async function createWorkspace(pool: Pool, name: string, actor: string): Promise<WorkspaceRow> {
  if (!name.trim()) throw new AppError('validation_failed', 'The workspace needs a name');
  return withTransaction(pool, async (tx) => {
    const ws = await insertWorkspace(tx, name);
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
  checkCredentialsShape(input.email, input.password);
  if (!input.workspaceName.trim()) throw new AppError('validation_failed', 'The workspace needs a name');
  const passwordHash = await hashPassword(input.password);
  return withTransaction(pool, async (tx) => {
    await tx.query('lock table workspaces in exclusive mode');
    if ((await countWorkspaces(tx)) > 0) {
      throw new AppError('setup_done', 'billsync is already set up: sign in instead');
    }
    const workspace = await insertWorkspace(tx, input.workspaceName);
    const user = await insertUser(tx, {
      workspaceId: workspace.id,
      email: input.email,
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
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
  });
  await touchLogin(pool, user.id);
  return { token, csrfToken, expiresAt };
}

/** Checks email + password; the same error (and about the same time) for an unknown email and a wrong password. */
export async function authenticate(pool: Pool, email: string, password: string): Promise<UserRow> {
  const user = await findUserByEmail(pool, email);
  const ok = await verifyPassword(password, user?.password_hash ?? (await dummyHash()));
  if (!user || !ok) throw new AppError('invalid_credentials', 'Wrong email or password');
  return user;
}

export function resolveSession(pool: Pool, token: string, now: Date): Promise<SessionWithUser | undefined> {
  return findLiveSession(pool, hashToken(token), now);
}

export function endSession(pool: Pool, token: string): Promise<void> {
  return deleteSession(pool, hashToken(token));
}
