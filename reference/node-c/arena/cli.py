"""`arena` on node C: deterministic, JSON with --json. Exit 0 ok, 1 a check failed (the message says
which), 2 usage. Verbs: env validate vpn, vpn status, vpn test, vpn reconcile."""
import argparse
import json
import sys

from . import probe, routes, settings, state, vpn, wg
from .system import CommandError


def _summary(desired: state.State) -> dict:
    return {"source": desired.source, "teams": len(desired.teams), "principals": len(desired.principals)}


def _forwarding() -> bool:
    with open("/proc/sys/net/ipv4/ip_forward", encoding="utf-8") as handle:
        return handle.read().strip() == "1"


def env_validate(args) -> dict:
    return settings.validate(args.role, settings.load())


def vpn_status(_args) -> dict:
    node = vpn.configured()
    desired = node.desired()
    live = wg.show(node.interface)
    by_key = {p.public_key: p for p in live.peers}
    now = wg.now()
    live_routes = routes.live()

    def peer(principal):
        seen = by_key.get(principal.public_key)
        return {
            "principal": principal.id, "address": str(principal.address), "publicKey": principal.public_key, "configured": seen is not None,
            "handshakeAgeSeconds": seen.handshake_age(now) if seen else None,
            "endpoint": seen.endpoint if seen else "", "rxBytes": seen.rx if seen else 0, "txBytes": seen.tx if seen else 0,
        }

    found = vpn.drift(node, desired, live)
    return {
        "ok": True,
        "interface": {"name": live.name, "publicKey": live.public_key, "listenPort": live.listen_port, "address": str(node.address), "peers": len(live.peers)},
        "forwarding": _forwarding(),
        "state": _summary(desired),
        "teams": [{"id": t.id, "subnet": str(t.subnet), "solo": t.solo, "route": live_routes.get(str(t.subnet)), "peers": [peer(p) for p in desired.members(t.id)]} for t in desired.teams],
        "drift": found,
        "inSync": vpn.in_sync(found),
    }


def _check(name: str, problems: list) -> dict:
    return {"name": name, "ok": not problems, "detail": "; ".join(problems) or "as the state says"}


def vpn_test(_args) -> dict:
    node = vpn.configured()
    desired = node.desired()
    with vpn.exclusive():
        found = vpn.drift(node, desired, wg.show(node.interface))
        rules = found["rules"]
        checks = [
            _check("IPv4 forwarding is on", [] if _forwarding() else ["net.ipv4.ip_forward is 0"]),
            _check("peers match the state", [f"{k} {', '.join(found[k])}" for k in ("missingPeers", "wrongAllowedIps", "stalePeers") if found[k]]),
            _check("routes match the state", [f"{k} {', '.join(found[k])}" for k in ("missingRoutes", "staleRoutes") if found[k]]),
            _check("forwarding rules match the state", (["no table inet arena"] if not rules["table"] else [])
                   + ([f"forward policy is {rules['policy']}, not drop"] if rules["table"] and rules["policy"] != "drop" else [])
                   + [f"{k}: {', '.join(rules[k])}" for k in ("missing", "extra") if rules[k]]),
        ]
        probed = probe.test(node, desired, vpn.reconcile)
    checks += probed["checks"]
    failed = [c for c in checks if not c["ok"]]
    result = {"ok": not failed, "state": _summary(desired), "checks": checks, "attempts": probed["attempts"], "teamsProbed": probed["teamsProbed"]}
    if failed:
        result["error"] = " | ".join(f"{c['name']}: {c['detail']}" for c in failed)
    return result


def vpn_reconcile(_args) -> dict:
    node = vpn.configured()
    desired = node.desired()
    with vpn.exclusive():
        return {"ok": True, "state": _summary(desired), **vpn.reconcile(node, desired)}


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="arena")
    groups = root.add_subparsers(dest="group", required=True)
    env = groups.add_parser("env").add_subparsers(dest="verb", required=True)
    validate = env.add_parser("validate")
    validate.add_argument("role")
    validate.set_defaults(run=env_validate)
    vpnp = groups.add_parser("vpn").add_subparsers(dest="verb", required=True)
    for verb, run in (("status", vpn_status), ("test", vpn_test), ("reconcile", vpn_reconcile)):
        vpnp.add_parser(verb).set_defaults(run=run)
    return root


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # --json may stand anywhere, as in the runbook (`vpn status --json`).
    as_json = "--json" in argv
    args = parser().parse_args([a for a in argv if a != "--json"])
    try:
        result = args.run(args)
    except (settings.ConfigError, state.StateError, CommandError) as exc:
        result = {"ok": False, "error": str(exc)}
    if as_json:
        print(json.dumps(result, sort_keys=True))
    else:
        print(json.dumps(result, indent=2, sort_keys=True))
    if not result["ok"]:
        print(f"arena {args.group} {args.verb}: {result.get('error', 'failed')}", file=sys.stderr)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
