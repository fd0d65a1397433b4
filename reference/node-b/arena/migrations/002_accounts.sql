-- Accounts, principals and teams (issue 7, node B part 2): 001's sketch made enforceable by the database.
-- The tables were empty until this migration (001 had no API writing them), so new NOT NULL columns need no backfill.

-- A user: login by email, a handle that names the user's VPN peer on node C, a scrypt password hash
-- (passwords.py), and the public key of the user's WireGuard device (the private key never reaches B).
alter table users
  add column handle text not null unique check (handle ~ '^[a-z][a-z0-9-]{2,31}$'),
  add column disabled_at timestamptz,
  add column password_changed_at timestamptz not null default now(),
  add column wg_public_key text unique,
  add constraint users_email_lower check (email = lower(email));

-- A principal is who instances and a VPN subnet belong to: a solo user's personal one, or a team's.
-- A team's principal belongs to no user. (A solo one the API makes always has its user; one an operator makes
-- by hand for instances alone may have none: such a principal is in no VPN state.)
alter table principals
  add constraint principals_team_has_no_user check (kind = 'solo' or user_id is null);
-- Exactly one personal principal per user, also when two requests create it at once (insert … on conflict).
create unique index principals_one_solo_per_user on principals (user_id) where kind = 'solo';

-- Team names become node C's team ids: a slug, never `solo-…` (the solo principals' ids there).
alter table teams
  add column join_code_hash text not null,
  add column created_by bigint not null references users(id),
  add constraint teams_principal_unique unique (principal_id),
  add constraint teams_name_slug check (name ~ '^[a-z][a-z0-9-]{2,31}$' and name !~ '^solo-');

-- Membership history: leaving keeps the row (active = false); rejoining reactivates it.
-- The cap of 4 active members is enforced by the join under a row lock on the team (teams.py).
alter table team_members add column left_at timestamptz;
create unique index team_members_one_active_team on team_members (user_id) where active;

-- Reset tokens are stored hashed; the token itself only travels in the mail.
create table password_resets (
  id bigserial primary key,
  user_id bigint not null references users(id),
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);

-- The mail outbox (seed 002): rows written in the transaction of the event that sends them. The delivery
-- worker, attempts and dead letters come with the mail part of issue 7; until then rows stay pending.
create table mail_deliveries (
  id bigserial primary key,
  recipient text not null,
  template text not null,
  subject text not null,
  body text not null,
  status text not null default 'pending' check (status in ('pending', 'retrying', 'sent', 'dead_lettered')),
  created_at timestamptz not null default now()
);

alter table audit_log add column user_id bigint references users(id);
create index audit_log_action_at on audit_log (action, at);
create index audit_log_user on audit_log (user_id);
