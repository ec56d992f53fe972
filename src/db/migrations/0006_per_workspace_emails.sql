-- Up Migration
-- Pen test (issue 12): an email is unique per workspace, not across them, so adding a user never tells one
-- workspace about another's (the same address in two workspaces is two accounts, each with its own password).
-- Sign-in attempts are counted per account (a hash of the email) in login_attempts, shared by every server.
drop index users_email_key;
create unique index users_workspace_email_key on users (workspace_id, lower(email));
create index users_email_idx on users (lower(email));

create table login_attempts (
  id bigint generated always as identity primary key,
  -- sha256 of the lower-cased email: known and unknown emails alike, and no address stored in clear
  account_key text not null,
  at timestamptz not null
);
create index login_attempts_key_idx on login_attempts (account_key, at);
create index login_attempts_at_idx on login_attempts (at);

-- Down Migration
drop table login_attempts;
drop index users_email_idx;
drop index users_workspace_email_key;
create unique index users_email_key on users (lower(email));
