create table users (
  id bigserial primary key,
  email text not null unique,
  password_hash text not null,
  is_admin boolean not null default false,
  created_at timestamptz not null default now()
);
create table principals (
  id bigserial primary key,
  kind text not null check (kind in ('solo', 'team')),
  user_id bigint references users(id),
  created_at timestamptz not null default now()
);
create table teams (
  id bigserial primary key,
  name text not null unique,
  principal_id bigint not null references principals(id),
  created_at timestamptz not null default now()
);
create table team_members (
  team_id bigint not null references teams(id),
  user_id bigint not null references users(id),
  active boolean not null default true,
  joined_at timestamptz not null default now(),
  primary key (team_id, user_id)
);
create table challenges (
  id bigserial primary key,
  slug text not null unique,
  image text not null,
  points integer not null default 100
);
create table instances (
  id bigserial primary key,
  challenge_id bigint not null references challenges(id),
  principal_id bigint not null references principals(id),
  container_id text,
  created_at timestamptz not null default now(),
  unique (challenge_id, principal_id)
);
create table leases (
  instance_id bigint primary key references instances(id) on delete cascade,
  expires_at timestamptz not null
);
create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor text not null,
  action text not null,
  detail jsonb not null default '{}'
);
