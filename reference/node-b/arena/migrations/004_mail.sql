-- The mail outbox's delivery (seed 002, issue 7): 002 made `mail_deliveries` (rows written in the
-- transaction of the event that sends them, status pending); this adds what the delivery worker keeps.

-- A cycle is the attempts since the row was queued or last resent: `cycle_attempts` counts them (a row is
-- dead-lettered when they reach ARENA_MAIL_MAX_ATTEMPTS); a resend starts a new cycle (`resends` + 1).
alter table mail_deliveries
  add column cycle_attempts integer not null default 0,
  add column resends integer not null default 0,
  add column next_attempt_at timestamptz not null default now(),
  add column last_error text,
  add column updated_at timestamptz not null default now(),
  add column sent_at timestamptz,
  add column dead_lettered_at timestamptz;

-- What the worker scans: due rows still to send.
create index mail_deliveries_due on mail_deliveries (next_attempt_at, id) where status in ('pending', 'retrying');

-- Every attempt has its own row. `attempt_no` counts across the whole history of a delivery (a resend
-- appends, it never starts over), so it is unique per delivery.
create table mail_attempts (
  id bigserial primary key,
  delivery_id bigint not null references mail_deliveries(id) on delete cascade,
  attempt_no integer not null check (attempt_no > 0),
  cycle integer not null,
  worker text not null,
  started_at timestamptz not null,
  finished_at timestamptz not null default now(),
  outcome text not null check (outcome in ('sent', 'failed')),
  smtp_code integer,
  error text
);
create unique index mail_attempts_delivery_attempt_no on mail_attempts (delivery_id, attempt_no);
