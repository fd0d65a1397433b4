-- Appearance presets (issue 7): each user's chosen preset. No row = the default (light). The catalogue of
-- presets lives in the API (appearance.py), so adding one needs no migration; the API checks the id.
create table user_appearance (
  user_id bigint primary key references users(id) on delete cascade,
  preset text not null check (preset ~ '^[a-z][a-z0-9-]{1,31}$'),
  updated_at timestamptz not null default now()
);
