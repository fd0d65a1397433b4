"""The VPN's desired state as node C reads it (`GET /api/vpn/state`, version 1 of node C's document, see
reference/node-c/arena/state.py), and the one input it needs from a user: their device's public key.

Mapping: node C's `teams` are B's principals (a team by its name; a solo principal as `solo-<handle>`,
`solo: true`), each with its instance subnet; node C's `principals` are peers, one per user who set a key
(id = handle), in the team of the principal the user acts as now. A user with no key, a disabled user, a
user with neither team nor personal principal, and a solo principal without a keyed user are left out."""
import base64
import binascii

import psycopg2.errors  # the submodule is not always loaded with the package

from . import audit, vpn_addressing
from .web import HttpError


def check_key(value) -> str:
    try:
        if isinstance(value, str) and len(base64.b64decode(value, validate=True)) == 32:
            return value
    except binascii.Error:
        pass
    raise HttpError(400, "publicKey must be a WireGuard public key (32 bytes, base64)")


def set_key(cur, user: dict, public_key: str) -> dict:
    public_key = check_key(public_key)
    cur.execute("savepoint vpn_key")
    try:
        cur.execute("update users set wg_public_key = %s where id = %s", (public_key, user["id"]))
    except psycopg2.errors.UniqueViolation:
        cur.execute("rollback to savepoint vpn_key")
        raise HttpError(409, "this public key is registered to another user") from None
    audit.record(cur, "vpn.key.set", f"user:{user['id']}", user["id"])
    return {"publicKey": public_key, "address": vpn_addressing.address(user["id"])}


def remove_key(cur, user: dict) -> dict:
    """The device is revoked: the user leaves the state, so node C removes the peer at its next reconcile."""
    cur.execute("update users set wg_public_key = null where id = %s and wg_public_key is not null", (user["id"],))
    removed = cur.rowcount == 1
    if removed:
        audit.record(cur, "vpn.key.removed", f"user:{user['id']}", user["id"])
    return {"removed": removed}


def document(cur) -> dict:
    cur.execute("select t.name, t.principal_id from teams t order by t.principal_id")
    teams = [{"id": name, "subnet": vpn_addressing.subnet(pid), "solo": False} for name, pid in cur.fetchall()]
    cur.execute(
        "select u.id, u.handle, u.wg_public_key, t.name,"
        " (select min(p.id) from principals p where p.user_id = u.id and p.kind = 'solo')"
        " from users u left join team_members m on m.user_id = u.id and m.active left join teams t on t.id = m.team_id"
        " where u.wg_public_key is not null and u.disabled_at is null order by u.id"
    )
    principals = []
    for user_id, handle, key, team, solo_principal in cur.fetchall():
        address = vpn_addressing.address(user_id)
        if team is None and solo_principal is not None and address and vpn_addressing.subnet(solo_principal):
            team = f"solo-{handle}"
            teams.append({"id": team, "subnet": vpn_addressing.subnet(solo_principal), "solo": True})
        if team is not None and address:
            principals.append({"id": handle, "team": team, "publicKey": key, "address": address})
    teams = [t for t in teams if t["subnet"]]  # a principal beyond the instance network has no VPN access
    kept = {t["id"] for t in teams}
    return {"version": 1, "teams": teams, "principals": [p for p in principals if p["team"] in kept]}
