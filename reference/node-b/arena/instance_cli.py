"""`arena instance spawn|reset|destroy <slug> --principal-id <id>`, plus `list` and `reconcile`."""
import sys

from . import instances, reconciler
from .containers import ContainerError

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
        return instances.answer(verb, slug, principal_id, error=f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}")
    finally:
        if ctx is not None:
            ctx.close()


def _verb(args) -> dict:
    result = perform(args.verb, args.slug, args.principal_id, getattr(args, "ttl", None))
    if result["error"]:
        print(f"arena instance {args.verb}: {result['error']}", file=sys.stderr)
    return result


def _with_context(run):
    def wrapped(args) -> dict:
        ctx = instances.Context()
        try:
            return run(ctx, args)
        finally:
            ctx.close()
    return wrapped


def register(groups) -> None:
    verbs = groups.add_parser("instance").add_subparsers(dest="verb", required=True)
    for verb in VERBS:
        sub = verbs.add_parser(verb)
        sub.add_argument("slug")
        sub.add_argument("--principal-id", type=int, required=True)
        if verb == "spawn":
            sub.add_argument("--ttl", type=int, help="lease seconds (default ARENA_INSTANCE_TTL)")
        sub.set_defaults(run=_verb)
    listing = verbs.add_parser("list")
    listing.add_argument("--principal-id", type=int)
    listing.set_defaults(run=_with_context(lambda ctx, args: instances.listing(ctx, args.principal_id)))
    verbs.add_parser("reconcile").set_defaults(run=_with_context(lambda ctx, _args: reconciler.reconcile(ctx)))
