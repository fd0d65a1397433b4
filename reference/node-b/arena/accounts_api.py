"""HTTP: register, login, logout, me, the personal principal, the VPN key, password reset."""
from . import accounts, app, appearance_choice, audit, principals, vpn_addressing, vpn_state
from .web import HttpError, Route


def register(req):
    fields = req.field("email"), req.field("handle"), req.field("password")  # a malformed request costs no connection
    with app.transaction() as cur:
        user = accounts.create(cur, *fields, "anonymous")
    return 201, {"user": user}


def login(req):
    body = req.json()
    with app.transaction() as cur:
        user = accounts.authenticate(cur, body.get("email") if isinstance(body.get("email"), str) else "",
                                     body.get("password") if isinstance(body.get("password"), str) else "", req.client)
    if not user:
        raise HttpError(401, "wrong email or password, or the account is disabled")
    token = app.SESSIONS.create(user["id"])
    return 200, {"user": user, "session": {"token": token, "expiresInSeconds": app.SESSIONS.ttl}}, app.session_cookie(token, app.SESSIONS.ttl)


def logout(req):
    with app.transaction() as cur:
        user = app.user(req, cur)
        app.SESSIONS.drop(app.token(req))
        audit.record(cur, "logout", f"user:{user['id']}", user["id"])
    return 200, {"ok": True}, app.session_cookie("", 0)


def me(req):
    with app.transaction() as cur:
        user = app.user(req, cur)
        principal = principals.current(cur, user["id"])
        chosen = appearance_choice.of(cur, user["id"])
    vpn = {"publicKey": user["vpnPublicKey"], "address": vpn_addressing.address(user["id"])} if user["vpnPublicKey"] else None
    return 200, {"user": user, "principal": principal, "vpn": vpn, "appearance": chosen}


def ensure_principal(req):
    """The principal the user acts as: their team's when in one, else their personal one, made on first call."""
    with app.transaction() as cur:
        user = app.user(req, cur)
        principal = principals.current(cur, user["id"])
        created = False
        if not principal or principal["kind"] == "solo":
            principal, created = principals.ensure_solo(cur, user["id"], f"user:{user['id']}")
    return (201 if created else 200), {"principal": principal, "created": created}


def set_vpn_key(req):
    with app.transaction() as cur:
        user = app.user(req, cur)
        vpn = vpn_state.set_key(cur, user, req.json().get("publicKey"))
    return 200, {"vpn": vpn}


def remove_vpn_key(req):
    with app.transaction() as cur:
        removed = vpn_state.remove_key(cur, app.user(req, cur))
    return 200, removed


def reset_request(req):
    with app.transaction() as cur:
        accounts.request_reset(cur, req.field("email"), app.CFG.get("ARENA_PUBLIC_URL", ""), req.client)
    # The same answer whether or not the email is known.
    return 202, {"ok": True, "detail": "if the address has an account, a reset token was mailed to it"}


def reset_confirm(req):
    with app.transaction() as cur:
        user_id = accounts.confirm_reset(cur, req.field("token"), req.field("password"), req.client)
    ended = app.SESSIONS.drop_user(user_id)
    return 200, {"ok": True, "sessionsEnded": ended}


ROUTES = [
    Route("POST", "/api/register", register),
    Route("POST", "/api/login", login),
    Route("POST", "/api/logout", logout),
    Route("GET", "/api/me", me),
    Route("POST", "/api/me/principal", ensure_principal),
    Route("PUT", "/api/me/vpn-key", set_vpn_key),
    Route("DELETE", "/api/me/vpn-key", remove_vpn_key),
    Route("POST", "/api/password-reset", reset_request),
    Route("POST", "/api/password-reset/confirm", reset_confirm),
]
