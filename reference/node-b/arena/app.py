"""What the API's handlers share: the node's configuration, the session store, and who is calling."""
import hmac

from . import accounts, config, sessions, store
from .web import HttpError

CFG = config.load()
SESSIONS = sessions.store(CFG)
COOKIE = "arena_session"


def token(req):
    """The caller's session token: the cookie a browser sends, or a bearer token an API client sends."""
    return req.bearer() or req.cookie(COOKIE)


def optional_user(req, cur):
    """The signed-in, enabled user, or None (a public page shows to anyone)."""
    held = token(req)
    user_id = SESSIONS.user_id(held) if held else None
    found = accounts.get(cur, user_id) if user_id is not None else None
    return found if found and not found["disabled"] else None


def user(req, cur) -> dict:
    """The signed-in, enabled user; 401 otherwise."""
    found = optional_user(req, cur)
    if not found:
        raise HttpError(401, "sign in first")
    return found


def session_cookie(value: str, max_age: int) -> dict:
    """The session cookie a browser keeps (HttpOnly: page scripts never see it); max_age 0 removes it."""
    return {"Set-Cookie": f"{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}"}


def service_token_ok(req, name: str) -> bool:
    """A shared bearer token from the env file (e.g. ARENA_VPN_STATE_TOKEN); never accepted when unset."""
    expected, given = CFG.get(name, ""), req.bearer() or ""
    return bool(expected) and hmac.compare_digest(expected.encode(), given.encode())


def transaction():
    return store.transaction(CFG)
