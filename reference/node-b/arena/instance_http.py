"""Instances over HTTP, the CLI's verbs:
POST /api/instances/<slug>/<spawn|reset|destroy> {"principalId"?: N, "ttlSeconds"?: S},
GET /api/instances[?principalId=N] (the list) and GET /api/instances/<slug>[?principalId=N] (one instance).
Two kinds of caller: the deployment's service token (Bearer ARENA_SERVICE_TOKEN) acts on any principal, named in
the request; a player's session (bearer token or the arena_session cookie) only on the principal the player acts
as now, which the request may leave out (instance_access: another's is 403 and audited)."""
import hmac
import re
from urllib.parse import parse_qs, urlsplit

import psycopg2
import redis

from . import app, instance_access, instance_cli, instance_config, instances, web

ROUTE = re.compile(r"^/api/instances(?:/(?P<slug>[a-z0-9][a-z0-9-]{0,62})(?:/(?P<verb>spawn|reset|destroy))?)?$")
# A service listing that names no principal: every principal's instances.
EVERY = "every principal"


def service_token(req) -> bool:
    token = instance_config.load().service_token
    return bool(token) and hmac.compare_digest((req.bearer() or "").encode(), token.encode())


def scope(req, asked, verb: str, slug):
    """The principal this request acts on: EVERY (a service listing of all), an id, or None (a player who
    acts as no principal yet). Raises HttpError 401 without credentials, Refusal 403 for another's principal."""
    if service_token(req):
        return EVERY if asked is None else asked
    if app.token(req) is None:
        raise web.HttpError(401, "sign in first (a session), or show the service token")
    with app.transaction() as cur:
        return instance_access.authorize(cur, app.user(req, cur), asked, verb, slug, "http")


def handles(path: str) -> bool:
    return ROUTE.match(urlsplit(path).path) is not None


def template(path: str) -> str:
    """The route's template, the label /metrics counts requests by (few series)."""
    route = ROUTE.match(urlsplit(path).path)
    return "/api/instances" + ("/{slug}" if route["slug"] else "") + ("/{verb}" if route["verb"] else "")


def _principal_id(value):
    """A principal id from the body or the query: absent (None) or a whole number."""
    if value is None:
        return None
    if isinstance(value, bool) or not str(value).isdigit():
        raise web.HttpError(400, f"principalId must be a whole number, not {value!r}")
    return int(value)


def _listing(principal, slug=None) -> dict:
    """The instances of one principal, or of EVERY; none for a player with no principal yet (None)."""
    ctx = instances.Context()
    try:
        if principal is None:
            return {"ok": True, "controller": ctx.controller, "instances": []}
        found = instances.listing(ctx, None if principal == EVERY else principal)
    finally:
        ctx.close()
    if slug is not None:
        found["instances"] = [i for i in found["instances"] if i["challenge"] == slug]
    return found


def read(principal, slug, verb: str):
    """The list (GET /api/instances) or one instance (GET /api/instances/<slug>) of the principal in scope."""
    if verb == "read" and principal == EVERY:
        return 400, instance_cli.failed(verb, slug, None, "principalId is required (the service token names the principal)")
    found = _listing(principal, slug)
    if verb == "list":
        return 200, found
    if not found["instances"]:
        return 404, instance_cli.failed("read", slug, principal, f"principal {principal} has no instance of {slug}" if principal else "you act as no principal yet")
    return 200, {"ok": True, "instance": found["instances"][0]}


def act(verb: str, slug: str, principal, ttl):
    if principal == EVERY:
        return 400, instance_cli.failed(verb, slug, None, 'body must be JSON {"principalId": <id>} (the service token names the principal)')
    result = instance_cli.perform(verb, slug, principal, ttl)
    if result["error"]:
        missing = ("does not exist", "no instance", "unknown challenge")
        return (404 if any(m in result["error"] for m in missing) else 502), result
    return (201 if result["created"] and verb == "spawn" else 200), result


def dispatch(handler, method: str) -> None:
    url = urlsplit(handler.path)
    route = ROUTE.match(url.path)
    slug, verb = route["slug"], route["verb"] or ("read" if route["slug"] else "list")
    if (method == "POST") != bool(route["verb"]) or method not in ("GET", "POST") or web.too_large(handler):
        handler.close_connection = True  # its body is not read: it must not be taken for the next request
        if web.too_large(handler):
            return handler.reply(413, {"ok": False, "error": f"the body exceeds {web.MAX_BODY} bytes"})
        return handler.reply(405, {"ok": False, "error": f"{method} not allowed on {url.path}"})
    req = web.Request(handler, {})  # reads a POST's body; a GET with one closes the connection
    if method == "GET" and int(handler.headers.get("Content-Length") or 0):
        handler.close_connection = True
    asked = None
    try:
        if method == "POST":
            body = req.json()
            asked, ttl = _principal_id(body.get("principalId")), body.get("ttlSeconds")
            if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, int) or ttl <= 0):
                raise web.HttpError(400, f"ttlSeconds must be a positive whole number, not {ttl!r}")
        else:
            asked = _principal_id(parse_qs(url.query).get("principalId", [None])[0])
        principal = scope(req, asked, verb, slug)
    except web.HttpError as exc:
        return handler.reply(exc.status, instance_cli.failed(verb, slug, asked, exc.message))
    except (psycopg2.Error, redis.exceptions.RedisError) as exc:
        return handler.reply(503, instance_cli.failed(verb, slug, asked, f"session check unavailable: {type(exc).__name__}"))
    status, answer = read(principal, slug, verb) if method == "GET" else act(verb, slug, principal, ttl)
    handler.reply(status, answer)
