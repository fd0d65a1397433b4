"""`arena` on node A. JSON with --json (a stable shape per verb); exit 0 ok, 1 failed (the JSON's
`error` says what failed, also on stderr), 2 usage."""
import argparse
import json
import sys
import time
import urllib.parse

from . import challenge, config, registry


def emit(result: dict, as_json: bool) -> int:
    ok = bool(result.get("ok"))
    if as_json:
        print(json.dumps(result, sort_keys=True))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    if not ok and result.get("error"):
        print(f"arena: {result['error']}", file=sys.stderr)
    return 0 if ok else 1


def configured(run, blank):
    """A verb that needs a valid registry configuration: a bad one is its error (in the verb's own
    shape, `blank(args, values)`), not a stack trace."""
    def verb(args) -> dict:
        values = config.load()
        validation = config.validate(config.ROLE, values)
        if validation["ok"]:
            return run(args, values)
        problems = validation["missing"] + [item["key"] for item in validation["invalid"]]
        return {**blank(args, values), "error": f"{config.ENV_FILE}: registry configuration invalid: {', '.join(problems)}"}
    return verb


def host_of(values: dict):
    """host:port of the configured registry, as every verb reports it (None when not configured)."""
    return urllib.parse.urlsplit(values.get("ARENA_REGISTRY_URL", "")).netloc or None


def registry_check(_args, values) -> dict:
    return registry.check(values, config.challenges(values), challenge.repository_of)


def check_result(_args, values) -> dict:
    return registry.check_result(host_of(values), values.get("ARENA_REGISTRY_USER"))


def wait_result(_args, values) -> dict:
    return {"ok": False, "registry": host_of(values), "error": None, "host": {"ok": False, "detail": "not checked"}}


def registry_wait(args, values) -> dict:
    """Until the registry host answers (the entrypoint, a drill's recovery): host reachability only."""
    deadline = time.monotonic() + args.timeout
    client = registry.Registry.from_config(values)
    result = wait_result(args, values)
    while True:
        try:
            return {**result, "ok": True, "host": client.reachable()}
        except registry.RegistryError as exc:
            if time.monotonic() >= deadline:
                return {**result, "error": f"{exc} (after {args.timeout:g} s)", "host": {"ok": False, "detail": str(exc)}}
        time.sleep(0.2)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="arena")
    groups = root.add_subparsers(dest="group", required=True)
    env = groups.add_parser("env").add_subparsers(dest="verb", required=True)
    env.add_parser("validate").add_argument("role")
    env.choices["validate"].set_defaults(run=lambda args: config.validate(args.role, config.load()))
    reg = groups.add_parser("registry").add_subparsers(dest="verb", required=True)
    reg.add_parser("check").set_defaults(run=configured(registry_check, check_result))
    wait = reg.add_parser("wait")
    wait.add_argument("--timeout", type=float, default=30.0)
    wait.set_defaults(run=configured(registry_wait, wait_result))
    chal = groups.add_parser("challenge").add_subparsers(dest="verb", required=True)
    chal.add_parser("build").add_argument("slug")
    chal.choices["build"].set_defaults(run=lambda args: challenge.build(args.slug))
    chal.add_parser("push").add_argument("slug")
    push = configured(lambda args, values: challenge.push(args.slug, values), lambda args, _values: challenge.push_result(args.slug))
    chal.choices["push"].set_defaults(run=push)
    return root


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # --json may stand anywhere, as in the runbook (`registry check --json`).
    as_json = "--json" in argv
    args = parser().parse_args([a for a in argv if a != "--json"])
    return emit(args.run(args), as_json)


if __name__ == "__main__":
    sys.exit(main())
