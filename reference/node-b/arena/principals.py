"""Principals: who instances and a VPN subnet belong to. A solo user has exactly one personal principal;
a team has one principal its active members act as."""
import time

from . import audit, mutant, vpn_addressing


def as_dict(row) -> dict:
    principal_id, kind, user_id, team = row
    return {"id": principal_id, "kind": kind, "userId": user_id, "team": team, "subnet": vpn_addressing.subnet(principal_id)}


def _solo(cur, user_id: int):
    cur.execute("select id, kind, user_id, null from principals where user_id = %s and kind = 'solo' order by id limit 1", (user_id,))
    return cur.fetchone()


def ensure_solo(cur, user_id: int, actor: str):
    """(principal, created): the user's personal principal, made on first use. Concurrent calls all get the
    same one: the insert yields to the unique index (principals_one_solo_per_user) instead of checking first."""
    if mutant.on("solo-second-principal"):
        return _ensure_solo_check_then_insert(cur, user_id, actor)
    cur.execute(
        "insert into principals (kind, user_id) values ('solo', %s) on conflict (user_id) where kind = 'solo' do nothing returning id",
        (user_id,),
    )
    created = cur.fetchone() is not None
    if created:
        audit.record(cur, "principal.created", actor, user_id, kind="solo")
    return as_dict(_solo(cur, user_id)), created


def _ensure_solo_check_then_insert(cur, user_id: int, actor: str):
    # The defect: look, then insert, with no unique index behind it (bootstrap drops it under this mutant).
    # The pause stands for any slow step between the two; concurrent first requests each make a principal.
    found = _solo(cur, user_id)
    if found:
        return as_dict(found), False
    time.sleep(0.2)
    cur.execute("insert into principals (kind, user_id) values ('solo', %s) returning id, kind, user_id, null", (user_id,))
    row = cur.fetchone()
    audit.record(cur, "principal.created", actor, user_id, kind="solo")
    return as_dict(row), True


def current(cur, user_id: int):
    """The principal the user acts as now: their active team's, else their personal one (None before it exists)."""
    cur.execute(
        "select p.id, p.kind, p.user_id, t.name from team_members m join teams t on t.id = m.team_id"
        " join principals p on p.id = t.principal_id where m.user_id = %s and m.active",
        (user_id,),
    )
    row = cur.fetchone() or _solo(cur, user_id)
    return as_dict(row) if row else None


def drop_solo_uniqueness(cur) -> None:
    """Bootstrap under `solo-second-principal`: the index that makes a second personal principal impossible is gone."""
    cur.execute("drop index if exists principals_one_solo_per_user")
