import { z } from 'zod';

/** Shared response shapes (they also document the API in OpenAPI). */
export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

export const UserView = z.object({
  id: z.string().uuid(),
  email: z.string(),
  role: z.enum(['admin', 'operator', 'viewer']),
});

export const WorkspaceView = z.object({ id: z.string().uuid(), name: z.string() });

export const SessionView = z.object({ user: UserView, workspace: WorkspaceView, csrfToken: z.string() });

export const IdParam = z.object({ id: z.string() });
