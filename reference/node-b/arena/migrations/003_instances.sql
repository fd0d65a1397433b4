-- Instances as sibling containers (issue 7): the state of each, its image and container, how long its
-- lease lasts, and one id per database that labels every container this deployment starts, so a
-- reconciler only ever touches its own (several control planes may share one Docker host).
alter table instances
  add column state text not null default 'starting' check (state in ('starting', 'running', 'vanished')),
  add column image text,
  add column container_name text,
  add column updated_at timestamptz not null default now();
alter table leases add column ttl_seconds integer not null default 3600 check (ttl_seconds > 0);
create index leases_expires_at on leases (expires_at);
create table instance_controller (
  singleton boolean primary key default true check (singleton),
  id uuid not null default gen_random_uuid()
);
insert into instance_controller default values;
