-- Up Migration
-- Issue 13 (upload in the browser): the import history says who imported each file, and keeps the files that
-- failed (nothing of them is stored, but the history shows the attempt and its error).
--
-- Who: the importer (src/sources/partner-center/import.ts) writes its source_imports row in its own transaction.
-- An upload runs it on a connection opened for that import with `billsync.imported_by` set to the user's id
-- (src/db/acting-pool.ts); the column's default reads it. Imports from the command line leave it null.
alter table source_imports
  add column imported_by uuid references users (id) on delete set null
    default nullif(current_setting('billsync.imported_by', true), '')::uuid;

create table source_import_failures (
  id bigint generated always as identity primary key,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  file_name text not null,
  -- null when the header is not one of a Microsoft file billsync reads
  kind text check (kind in ('price_list', 'recon', 'azure_usage')),
  imported_by uuid references users (id) on delete set null,
  size_bytes bigint not null default 0,
  -- { code, message, row, column, value, expected }: what the user reads to fix the file
  error jsonb not null,
  failed_at timestamptz not null default now()
);
create index source_import_failures_workspace_idx on source_import_failures (workspace_id, failed_at desc);

-- Down Migration
drop table source_import_failures;
alter table source_imports drop column imported_by;
