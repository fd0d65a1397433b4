"""Removing a user or a team with what is theirs alone: memberships, personal principal, reset tokens, mail,
the appearance choice, sessions. A principal that still has instances is refused (409): destroy them first, so
no container is orphaned. The audit log keeps its rows (migration 006), and each removal writes one."""
from . import audit
from .web import HttpError


def _refuse_if_instances(cur, principal_id: int, whose: str) -> None:
    cur.execute("select count(*) from instances where principal_id = %s", (principal_id,))
    count = cur.fetchone()[0]
    if count:
        raise HttpError(409, f"{whose} principal {principal_id} still has {count} instance(s): destroy them first")


def _drop_principal(cur, principal_id: int) -> None:
    cur.execute("delete from principals where id = %s", (principal_id,))


def remove_user(cur, user: dict, actor: str) -> dict:
    """Remove the user (a dict from accounts); returns what went. The caller ends the user's sessions."""
    cur.execute("select id from principals where user_id = %s and kind = 'solo'", (user["id"],))
    solo = [r[0] for r in cur.fetchall()]
    for principal_id in solo:
        _refuse_if_instances(cur, principal_id, f"user {user['handle']}'s personal")
    cur.execute("delete from team_members where user_id = %s", (user["id"],))
    memberships = cur.rowcount
    cur.execute("delete from mail_deliveries where recipient = %s", (user["email"],))
    mail = cur.rowcount
    for principal_id in solo:
        _drop_principal(cur, principal_id)
    cur.execute("delete from users where id = %s", (user["id"],))
    audit.record(cur, "admin.user.removed", actor, None, user=user["id"], handle=user["handle"])
    return {"id": user["id"], "handle": user["handle"], "principals": solo, "memberships": memberships, "mailDeliveries": mail}


def remove_team(cur, name: str, actor: str) -> dict:
    cur.execute("select id, principal_id from teams where name = %s for update", (name,))
    row = cur.fetchone()
    if not row:
        raise HttpError(404, f"no team {name!r}")
    team_id, principal_id = row
    _refuse_if_instances(cur, principal_id, f"team {name}'s")
    cur.execute("delete from team_members where team_id = %s", (team_id,))
    memberships = cur.rowcount
    cur.execute("delete from teams where id = %s", (team_id,))
    _drop_principal(cur, principal_id)
    audit.record(cur, "admin.team.removed", actor, None, team=name, principal=principal_id)
    return {"name": name, "principal": principal_id, "memberships": memberships}
