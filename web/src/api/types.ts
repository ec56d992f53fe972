/** Wire types of the billsync HTTP API used by the web app. */

export type Role = 'admin' | 'operator' | 'viewer';

export interface User {
  id: string;
  email: string;
  role: Role;
}

export interface Workspace {
  id: string;
  name: string;
}

/** `GET /api/me`, and the body of a successful login or setup. */
export interface Session {
  user: User;
  workspace: Workspace;
  csrfToken: string;
}

/** `GET /api/setup`. */
export interface SetupStatus {
  needed: boolean;
}

export interface LoginRequest {
  email: string;
  password: string;
}

export interface SetupRequest {
  workspaceName: string;
  email: string;
  password: string;
}
