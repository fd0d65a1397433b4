"""HTTP: the admin surface (JSON; the HTML admin page is in pages.py): users, teams, the audit
log, disabling a user. Admin is a role of a user (the bootstrap admin is seeded by `arena db bootstrap`)."""
from . import accounts, app, audit, instance_http, principals, removal, teams
from .web import HttpError, Refusal, Route


def _admin(req, cur) -> dict:
    user = app.user(req, cur)
    if not user["isAdmin"]:  # a signed-in player trying the admin surface is a security event
        audit.record(cur, "admin.denied", f"user:{user['id']}", user["id"], path=req.path)
        raise Refusal(403, "admins only")
    return user


# The HTML admin page checks the same way.
require_admin = _admin


def users(req):
    with app.transaction() as cur:
        _admin(req, cur)
        found = [{**u, "principal": principals.current(cur, u["id"])} for u in accounts.list_all(cur)]
    return 200, {"users": found}


def team_list(req):
    with app.transaction() as cur:
        _admin(req, cur)
        return 200, {"teams": teams.list_all(cur)}


def audit_log(req):
    try:
        limit = min(int(req.query.get("limit", "100")), 1000)
    except ValueError:
        raise HttpError(400, "limit must be a number") from None
    with app.transaction() as cur:
        _admin(req, cur)
        return 200, {"entries": audit.recent(cur, req.query.get("action"), limit)}


def disable_user(req):
    with app.transaction() as cur:
        admin = _admin(req, cur)
        try:
            user_id = int(req.params["id"])
        except ValueError:
            raise HttpError(404, f"no user {req.params['id']!r}") from None
        user = accounts.disable(cur, user_id, f"admin:{admin['id']}")
    return 200, {"user": user, "sessionsEnded": app.SESSIONS.drop_user(user_id)}


def operator(req, cur) -> str:
    """The actor of an operator's request: `service` for the deployment's service token (its own jobs, a gate run
    checking and cleaning up), else `admin:<id>` for an admin's session (a player: 403 and audited)."""
    if instance_http.service_token(req):
        return "service"
    return f"admin:{_admin(req, cur)['id']}"


def remove_user(req):
    with app.transaction() as cur:
        actor = operator(req, cur)
        found = accounts.by_login(cur, req.params["id"]) if not req.params["id"].isdigit() else accounts.get(cur, int(req.params["id"]))
        if found is None:
            raise HttpError(404, f"no user {req.params['id']!r}")
        removed = removal.remove_user(cur, found, actor)
    return 200, {"removed": removed, "sessionsEnded": app.SESSIONS.drop_user(found["id"])}


def remove_team(req):
    with app.transaction() as cur:
        return 200, {"removed": removal.remove_team(cur, req.params["name"], operator(req, cur))}


ROUTES = [
    Route("GET", "/api/admin/users", users),
    Route("GET", "/api/admin/teams", team_list),
    Route("GET", "/api/admin/audit", audit_log),
    Route("POST", "/api/admin/users/{id}/disable", disable_user),
    Route("DELETE", "/api/admin/users/{id}", remove_user),
    Route("DELETE", "/api/admin/teams/{name}", remove_team),
]
