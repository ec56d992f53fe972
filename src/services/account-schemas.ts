import { z } from 'zod';
import { EmailRule, PasswordRule, WorkspaceNameRule } from './account-rules';

/**
 * The API contract of sessions, setup, users, the workspace and errors, in one place: the server validates and
 * documents its routes with these schemas, and the web app takes its wire types from them (type-only imports in
 * web/src/api/types.ts). Keep this file pure zod (and the pure input rules): no database or server code, so the
 * web project can import it.
 */

/** Every answer that is not a success: `{ error: { code, message, details } }`. */
export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

export const RoleSchema = z.enum(['admin', 'operator', 'viewer']);

export const UserView = z.object({ id: z.string().uuid(), email: z.string(), role: RoleSchema });

export const WorkspaceView = z.object({ id: z.string().uuid(), name: z.string() });

/** `GET /api/me`, and the body of a successful login or setup. */
export const SessionView = z.object({ user: UserView, workspace: WorkspaceView, csrfToken: z.string() });

/** `GET /api/setup`. */
export const SetupStatusOut = z.object({ needed: z.boolean() });

/** `POST /api/auth/login`. */
export const LoginBody = z.object({ email: EmailRule, password: PasswordRule });

/** `POST /api/setup`: the first workspace and its admin. */
export const SetupBody = z.object({
  workspaceName: WorkspaceNameRule,
  email: EmailRule,
  password: PasswordRule,
});

/** A user of the workspace (`/api/users`). */
export const UserOut = z.object({
  id: z.string(),
  email: z.string(),
  role: RoleSchema,
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
});

export const UserListOut = z.object({ items: z.array(UserOut) });

/** `POST /api/users`. */
export const NewUserBody = z.object({ email: EmailRule, password: PasswordRule, role: RoleSchema });

/** `GET /api/workspace`. */
export const WorkspaceOut = z.object({ id: z.string(), name: z.string(), createdAt: z.string() });

/** `GET /api/audit`: who changed what. */
export const AuditListOut = z.object({
  items: z.array(
    z.object({
      id: z.number(),
      actor: z.string(),
      action: z.string(),
      targetType: z.string().nullable(),
      targetId: z.string().nullable(),
      details: z.record(z.string(), z.unknown()),
      at: z.string(),
    }),
  ),
});

/** Wire types (what the API sends and takes), for the web app. */
export type ErrorBodyWire = z.infer<typeof ErrorBody>;
export type RoleWire = z.infer<typeof RoleSchema>;
export type UserViewWire = z.infer<typeof UserView>;
export type WorkspaceViewWire = z.infer<typeof WorkspaceView>;
export type SessionWire = z.infer<typeof SessionView>;
export type SetupStatusWire = z.infer<typeof SetupStatusOut>;
export type LoginBodyWire = z.input<typeof LoginBody>;
export type SetupBodyWire = z.input<typeof SetupBody>;
export type UserWire = z.infer<typeof UserOut>;
export type UserListWire = z.infer<typeof UserListOut>;
export type NewUserBodyWire = z.input<typeof NewUserBody>;
export type WorkspaceWire = z.infer<typeof WorkspaceOut>;
export type AuditListWire = z.infer<typeof AuditListOut>;
