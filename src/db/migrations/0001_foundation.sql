-- Up Migration
-- Foundation: workspaces (tenants), users, sessions, connections (encrypted credentials), audit events.
-- Every business row carries its workspace id; repositories always filter by it.

create table workspaces (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(trim(name)) > 0),
  settings jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);

create table users (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  email text not null,
  password_hash text not null,
  role text not null check (role in ('admin', 'operator', 'viewer')),
  created_at timestamptz not null default now(),
  last_login_at timestamptz
);
-- A login names a user by email alone, so an email belongs to one user across all workspaces.
create unique index users_email_key on users (lower(email));
create index users_workspace_idx on users (workspace_id);

create table sessions (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  token_hash text not null unique,
  csrf_token text not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  ip text,
  user_agent text
);
create index sessions_user_idx on sessions (user_id);
create index sessions_expires_idx on sessions (expires_at);

create table connections (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  kind text not null check (kind in ('autotask', 'connectwise', 'partner-center')),
  -- non-secret settings shown back to the user (API username, zone URL, site, company id)
  settings jsonb not null default '{}'::jsonb,
  -- AES-256-GCM sealed JSON of the secrets (see src/runtime/secret-box.ts); never returned by the API
  credentials bytea,
  status text not null default 'unknown' check (status in ('unknown', 'connected', 'error', 'needs_setup')),
  status_message text,
  checked_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, kind)
);

create table audit_events (
  id bigint generated always as identity primary key,
  workspace_id uuid references workspaces (id) on delete cascade,
  user_id uuid references users (id) on delete set null,
  actor text not null,
  action text not null,
  target_type text,
  target_id text,
  details jsonb not null default '{}'::jsonb,
  at timestamptz not null default now()
);
create index audit_events_workspace_idx on audit_events (workspace_id, at desc);

-- Down Migration
drop table audit_events;
drop table connections;
drop table sessions;
drop table users;
drop table workspaces;
