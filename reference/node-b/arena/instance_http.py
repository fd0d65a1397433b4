"""Instances over HTTP, the CLI's verbs:
POST /api/instances/<slug>/<spawn|reset|destroy> {"principalId": N, "ttlSeconds"?: S}, GET /api/instances[?principalId=N].
Until sessions exist the caller shows the deployment's service token (Bearer ARENA_SERVICE_TOKEN);
AUTHORIZERS is the hook a session check joins."""
import hmac
import json
import re
from urllib.parse import parse_qs, urlsplit

from . import instance_cli, instance_config, instances

ROUTE = re.compile(r"^/api/instances(?:/(?P<slug>[a-z0-9][a-z0-9-]{0,62})/(?P<verb>spawn|reset|destroy))?$")


def service_token(handler) -> bool:
    token = instance_config.load().service_token
    given = handler.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


# Each takes the request handler and answers whether the caller may manage instances.
AUTHORIZERS = [service_token]


def handles(path: str) -> bool:
    return ROUTE.match(urlsplit(path).path) is not None


def dispatch(handler, method: str) -> None:
    url = urlsplit(handler.path)
    route = ROUTE.match(url.path)
    # Read the whole body first, whatever the answer: on a kept-alive connection it would become the next request.
    raw = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
    if not any(allowed(handler) for allowed in AUTHORIZERS):
        return handler.reply(401, {"ok": False, "error": "not authorised"})
    if method == "GET" and not route["verb"]:
        principal = parse_qs(url.query).get("principalId", [None])[0]
        ctx = instances.Context()
        try:
            return handler.reply(200, instances.listing(ctx, int(principal) if principal else None))
        finally:
            ctx.close()
    if method != "POST" or not route["verb"]:
        return handler.reply(405, {"ok": False, "error": f"{method} not allowed on {url.path}"})
    try:
        body = json.loads(raw or b"{}")
        principal_id, ttl = int(body["principalId"]), body.get("ttlSeconds")
    except (ValueError, KeyError, TypeError):
        return handler.reply(400, {"ok": False, "error": 'body must be JSON {"principalId": <id>}'})
    result = instance_cli.perform(route["verb"], route["slug"], principal_id, int(ttl) if ttl else None)
    status = 200
    if result["error"]:
        status = 404 if "does not exist" in result["error"] or "no instance" in result["error"] or "unknown challenge" in result["error"] else 502
    elif result["created"] and route["verb"] == "spawn":
        status = 201
    handler.reply(status, result)
