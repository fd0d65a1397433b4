"""`arena instance spawn|reset|destroy <slug> --principal-id <id>`, plus `list` and `reconcile`.
The operator acts on any principal; with `--as-user <email|handle>` a verb (and `list`) acts as that player
would over HTTP: on the principal they act as now only, another's refused and audited (instance_access)."""
import sys

from . import accounts, config, instance_access, instances, reconciler, store
from .containers import ContainerError
from .web import HttpError

VERBS = {"spawn": instances.spawn, "reset": instances.reset, "destroy": instances.destroy}


def perform(verb: str, slug: str, principal_id: int, ttl=None) -> dict:
    """One verb, always answered in its shape; a refusal or failure is `error` (also used over HTTP)."""
    ctx = None
    try:
        ctx = instances.Context()
        return VERBS[verb](ctx, slug, principal_id, **({"ttl": ttl} if verb == "spawn" else {}))
    except (instances.InstanceError, ContainerError) as exc:
        return instances.answer(verb, slug, principal_id, error=str(exc))
    except Exception as exc:  # database down and the like: still the verb's shape, with what failed
        return instances.answer(verb, slug, principal_id, error=_first_line(exc))
    finally:
        if ctx is not None:
            ctx.close()


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"


def failed(verb: str, slug, principal_id, error: str) -> dict:
    """A refusal in the shape the verb answers when it succeeds (`read` is one instance over HTTP)."""
    if verb == "list":
        return {"ok": False, "controller": None, "instances": [], "error": error}
    if verb == "read":
        return {"ok": False, "instance": None, "error": error}
    return instances.answer(verb, slug, principal_id, error=error)


def as_user(who: str, asked, verb: str, slug) -> int:
    """The principal the player `who` may act on (None: they act as none yet); HttpError when refused,
    its audit row committed as over HTTP."""
    with store.transaction(config.load()) as cur:
        user = accounts.by_login(cur, who)
        if user is None:
            raise HttpError(404, f"no user {who!r} (give an email or a handle)")
        if user["disabled"]:
            raise HttpError(403, f"user {user['handle']} is disabled")
        return instance_access.authorize(cur, user, asked, verb, slug, "cli")


def _principal(args, verb: str):
    """(principal id, error) for this command: the operator's --principal-id, or what --as-user allows."""
    if args.as_user is None:
        if args.principal_id is None and verb != "list":
            return None, "--principal-id is required (or --as-user <email|handle> to act as a player)"
        return args.principal_id, None
    try:
        return as_user(args.as_user, args.principal_id, verb, getattr(args, "slug", None)), None
    except HttpError as exc:
        return None, exc.message
    except Exception as exc:  # the database is down or refused us
        return None, f"database: {_first_line(exc)}"


def _said(verb: str, result: dict) -> dict:
    if result["error"]:
        print(f"arena instance {verb}: {result['error']}", file=sys.stderr)
    return result


def _verb(args) -> dict:
    principal_id, error = _principal(args, args.verb)
    if error:
        return _said(args.verb, failed(args.verb, args.slug, args.principal_id, error))
    return _said(args.verb, perform(args.verb, args.slug, principal_id, getattr(args, "ttl", None)))


def _list(args) -> dict:
    principal_id, error = _principal(args, "list")
    if error:
        return _said("list", failed("list", None, args.principal_id, error))
    ctx = instances.Context()
    try:
        if args.as_user is not None and principal_id is None:  # a player with no principal yet has no instances
            return {"ok": True, "controller": ctx.controller, "instances": []}
        return instances.listing(ctx, principal_id)
    finally:
        ctx.close()


def _reconcile(_args) -> dict:
    ctx = instances.Context()
    try:
        return reconciler.reconcile(ctx)
    finally:
        ctx.close()


def register(groups) -> None:
    verbs = groups.add_parser("instance").add_subparsers(dest="verb", required=True)
    player = "act as this player (email or handle): only the principal they act as now, another's refused and audited"
    for verb in VERBS:
        sub = verbs.add_parser(verb)
        sub.add_argument("slug")
        sub.add_argument("--principal-id", type=int, help="required unless --as-user (then it defaults to theirs)")
        sub.add_argument("--as-user", help=player)
        if verb == "spawn":
            sub.add_argument("--ttl", type=int, help="lease seconds (default ARENA_INSTANCE_TTL)")
        sub.set_defaults(run=_verb)
    listing = verbs.add_parser("list")
    listing.add_argument("--principal-id", type=int)
    listing.add_argument("--as-user", help=player)
    listing.set_defaults(run=_list)
    verbs.add_parser("reconcile").set_defaults(run=_reconcile)
