"""Who may act on which instances. The service token may act on any principal's; a player (a session over
HTTP, or `--as-user` on the node's CLI) only on the principal they act as now: their active team's, else
their personal one. A request for another principal's instances is refused (403) and audited
(`instance.access.denied`) in the refusal's own committed transaction."""
from . import audit, mutant, principals
from .web import HttpError, Refusal

DENIED = "instance.access.denied"


def acting_principal(cur, user: dict, create: bool):
    """The id of the principal the user acts as now (None: none yet). With `create` (a spawn for the principal the
    session implies) a first personal one is made, as POST /api/me/principal would."""
    found = principals.current(cur, user["id"])
    if found is None and create:
        found, _created = principals.ensure_solo(cur, user["id"], f"user:{user['id']}")
    return found and found["id"]


def authorize(cur, user: dict, asked, verb: str, challenge, via: str):
    """The principal id the user's `verb` applies to: `asked` when it is their own, theirs when none was asked.
    Anything else raises Refusal(403) after writing the audit row (the caller's transaction commits it)."""
    own = acting_principal(cur, user, create=verb == "spawn" and asked is None)
    if asked is None or asked == own or mutant.on("instance-authz-missing"):  # the mutant: any session, any principal
        if asked is None and own is None and verb in ("reset", "destroy"):
            raise HttpError(404, f"user {user['handle']} acts as no principal yet (a spawn or POST /api/me/principal makes the personal one)")
        return own if asked is None else asked
    if not mutant.on("instance-denial-not-audited"):
        audit.record(cur, DENIED, f"user:{user['id']}", user["id"], verb=verb, challenge=challenge, principal=asked, actingAs=own, via=via)
    raise Refusal(403, f"user {user['handle']} acts as principal {own}, not {asked}: may not {verb} its instances")
