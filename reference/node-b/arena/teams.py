"""Teams: create, join (with a join code, at most MAX_ACTIVE active members), leave. A user is an active
member of at most one team (unique index); the cap holds under concurrent joins because each join locks
the team's row before it counts (`select … for update`): joins of one team run one after the other."""
import hashlib
import hmac
import os
import re
import secrets
import time

import psycopg2.errors  # the submodule is not always loaded with the package

from . import audit, mutant, vpn_addressing
from .web import HttpError, Refusal

MAX_ACTIVE = int(os.environ.get("ARENA_TEAM_MAX_MEMBERS", "4"))
NAME = re.compile(r"^[a-z][a-z0-9-]{2,31}$")


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _members(cur, team_id: int) -> list:
    cur.execute(
        "select u.handle from team_members m join users u on u.id = m.user_id where m.team_id = %s and m.active order by m.joined_at, u.id",
        (team_id,),
    )
    return [r[0] for r in cur.fetchall()]


def get(cur, name: str) -> dict:
    cur.execute("select id, name, principal_id, created_at from teams where name = %s", (name,))
    row = cur.fetchone()
    if not row:
        raise HttpError(404, f"no team {name!r}")
    members = _members(cur, row[0])
    return {"id": row[0], "name": row[1], "principalId": row[2], "subnet": vpn_addressing.subnet(row[2]),
            "members": members, "activeMembers": len(members), "maxMembers": MAX_ACTIVE}


def list_all(cur) -> list:
    cur.execute("select name from teams order by id")
    return [get(cur, r[0]) for r in cur.fetchall()]


def _add_member(cur, team_id: int, user_id: int, team_name: str) -> None:
    cur.execute("savepoint member")
    try:
        cur.execute(
            "insert into team_members (team_id, user_id) values (%s, %s)"
            " on conflict (team_id, user_id) do update set active = true, joined_at = now(), left_at = null",
            (team_id, user_id),
        )
    except psycopg2.errors.UniqueViolation:  # team_members_one_active_team: a concurrent join elsewhere won
        cur.execute("rollback to savepoint member")
        raise HttpError(409, f"already an active member of another team; leave it before joining {team_name}") from None


def _active_team(cur, user_id: int):
    cur.execute("select t.name from team_members m join teams t on t.id = m.team_id where m.user_id = %s and m.active", (user_id,))
    row = cur.fetchone()
    return row[0] if row else None


def create(cur, user: dict, name: str) -> tuple:
    """(team, join code): the creator is its first member; the code is shown once, stored hashed."""
    if not NAME.match(name or "") or name.startswith("solo-"):
        raise HttpError(400, f"team name {name!r} must be 3-32 characters: a-z first, then a-z, 0-9 or -, not starting with solo-")
    current = _active_team(cur, user["id"])
    if current:
        raise HttpError(409, f"already an active member of team {current}; leave it before creating one")
    code = secrets.token_urlsafe(12)
    cur.execute("savepoint team")
    try:
        cur.execute("insert into principals (kind) values ('team') returning id")
        principal_id = cur.fetchone()[0]
        cur.execute(
            "insert into teams (name, principal_id, join_code_hash, created_by) values (%s, %s, %s, %s) returning id",
            (name, principal_id, _code_hash(code), user["id"]),
        )
    except psycopg2.errors.UniqueViolation:
        cur.execute("rollback to savepoint team")
        raise HttpError(409, f"team name {name!r} is taken") from None
    team_id = cur.fetchone()[0]
    _add_member(cur, team_id, user["id"], name)
    audit.record(cur, "principal.created", f"user:{user['id']}", user["id"], kind="team", team=name)
    audit.record(cur, "team.created", f"user:{user['id']}", user["id"], team=name)
    return get(cur, name), code


def join(cur, user: dict, name: str, code: str) -> dict:
    actor = f"user:{user['id']}"
    # The lock that makes the cap hold: concurrent joins of this team wait here, then count what the
    # previous one committed. The defect `team-cap-unenforced-under-concurrency` reads without it.
    locking = "" if mutant.on("team-cap-unenforced-under-concurrency") else " for update"
    cur.execute(f"select id, join_code_hash from teams where name = %s{locking}", (name,))
    row = cur.fetchone()
    if not row:
        raise HttpError(404, f"no team {name!r}")
    team_id, code_hash = row
    if not hmac.compare_digest(code_hash, _code_hash(code or "")):
        audit.record(cur, "team.join.refused", actor, user["id"], team=name, reason="wrong join code")
        raise Refusal(403, f"wrong join code for team {name}")
    current = _active_team(cur, user["id"])
    if current == name:
        return get(cur, name)
    if current:
        raise HttpError(409, f"already an active member of team {current}; leave it before joining {name}")
    cur.execute("select count(*) from team_members where team_id = %s and active", (team_id,))
    active = cur.fetchone()[0]
    if active >= MAX_ACTIVE:
        audit.record(cur, "team.join.refused", actor, user["id"], team=name, reason="full")
        raise Refusal(409, f"team {name} is full ({MAX_ACTIVE} active members)")
    if mutant.on("team-cap-unenforced-under-concurrency"):
        time.sleep(0.2)  # any slow step between count and insert: unlocked, concurrent joins all saw room
    _add_member(cur, team_id, user["id"], name)
    audit.record(cur, "team.joined", actor, user["id"], team=name)
    return get(cur, name)


def leave(cur, user: dict, name: str) -> dict:
    cur.execute(
        "update team_members m set active = false, left_at = now() from teams t"
        " where t.id = m.team_id and t.name = %s and m.user_id = %s and m.active returning m.team_id",
        (name, user["id"]),
    )
    if not cur.fetchone():
        raise HttpError(409, f"not an active member of team {name}")
    audit.record(cur, "team.left", f"user:{user['id']}", user["id"], team=name)
    return get(cur, name)
