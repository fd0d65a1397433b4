-- Removing users and teams (an operator's clean-up, and a gate run's own test data): the history that names
-- them stays. The audit log keeps each row, its user reference cleared; a team outlives its creator.
alter table audit_log drop constraint if exists audit_log_user_id_fkey;
alter table audit_log add constraint audit_log_user_id_fkey foreign key (user_id) references users(id) on delete set null;
alter table teams alter column created_by drop not null;
alter table teams drop constraint if exists teams_created_by_fkey;
alter table teams add constraint teams_created_by_fkey foreign key (created_by) references users(id) on delete set null;
alter table password_resets drop constraint if exists password_resets_user_id_fkey;
alter table password_resets add constraint password_resets_user_id_fkey foreign key (user_id) references users(id) on delete cascade;
