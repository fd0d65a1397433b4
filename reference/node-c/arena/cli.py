"""`arena` on node C: deterministic, JSON with --json. Exit 0 ok, 1 a check failed (the message says
which), 2 usage. Verbs: env validate vpn, vpn status, vpn test, vpn reconcile, vpn seed, and the
simulated clients: vpn clients up|list|reach|move|revoke|down."""
import argparse
import json
import sys

from . import clients, probe, reach, reconciler, routes, seed, settings, state, vpn, wg
from .player import Api, ApiError
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
        "reconcile": {"intervalSeconds": node.reconcile_interval, "last": reconciler.last()},
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


def vpn_reconcile(args) -> dict:
    return reconciler.reconcile_now(args.trigger)


def vpn_seed(_args) -> dict:
    # B's API only: seeding works whatever else the env file lacks (the fleet seeds under every fault switch of C).
    api_url = settings.load().get("ARENA_API_URL", "")
    return {"ok": True, "api": api_url, "principals": seed.on_b(Api(api_url))}


def clients_up(args) -> dict:
    return clients.up(vpn.configured(), args.count, args.team_size, args.solo_every, args.handshake_timeout)


def clients_list(_args) -> dict:
    return clients.listing(vpn.configured())


def clients_reach(args) -> dict:
    return reach.matrix(vpn.configured().desired(), args.client, args.timeout)


def clients_move(args) -> dict:
    return clients.move(vpn.configured(), args.name, None if args.solo else args.team)


def clients_revoke(args) -> dict:
    return clients.revoke(vpn.configured(), args.name)


def clients_down(args) -> dict:
    return clients.down(vpn.configured(), args.name)


def _clients_parser(vpnp) -> None:
    verbs = vpnp.add_parser("clients").add_subparsers(dest="clients_verb", required=True)
    up = verbs.add_parser("up")
    up.add_argument("--count", type=int, required=True)
    up.add_argument("--team-size", type=int, default=3, help="members per team, at most 4 (default 3)")
    up.add_argument("--solo-every", type=int, default=4, help="every N-th client is solo (default 4; 0: none)")
    up.add_argument("--handshake-timeout", type=float, default=30.0)
    up.set_defaults(run=clients_up)
    verbs.add_parser("list").set_defaults(run=clients_list)
    reached = verbs.add_parser("reach")
    reached.add_argument("--client", action="append", help="only this client (repeatable)")
    reached.add_argument("--timeout", type=float, default=2.0)
    reached.set_defaults(run=clients_reach)
    move = verbs.add_parser("move")
    move.add_argument("name")
    where = move.add_mutually_exclusive_group(required=True)
    where.add_argument("--team")
    where.add_argument("--solo", action="store_true")
    move.set_defaults(run=clients_move)
    revoke = verbs.add_parser("revoke")
    revoke.add_argument("name")
    revoke.set_defaults(run=clients_revoke)
    down = verbs.add_parser("down")
    down.add_argument("name", nargs="*", help="these clients only (default: all)")
    down.set_defaults(run=clients_down)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="arena")
    groups = root.add_subparsers(dest="group", required=True)
    env = groups.add_parser("env").add_subparsers(dest="verb", required=True)
    validate = env.add_parser("validate")
    validate.add_argument("role")
    validate.set_defaults(run=env_validate)
    vpnp = groups.add_parser("vpn").add_subparsers(dest="verb", required=True)
    for verb, run in (("status", vpn_status), ("test", vpn_test), ("seed", vpn_seed)):
        vpnp.add_parser(verb).set_defaults(run=run)
    reconcile = vpnp.add_parser("reconcile")
    reconcile.add_argument("--trigger", default="command", choices=("command", "boot"), help="who asked (shown by vpn status)")
    reconcile.set_defaults(run=vpn_reconcile)
    _clients_parser(vpnp)
    return root


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # --json may stand anywhere, as in the runbook (`vpn status --json`).
    as_json = "--json" in argv
    args = parser().parse_args([a for a in argv if a != "--json"])
    try:
        result = args.run(args)
    except (settings.ConfigError, state.StateError, CommandError, ApiError, clients.ClientError) as exc:
        result = {"ok": False, "error": str(exc)}
    if as_json:
        print(json.dumps(result, sort_keys=True))
    else:
        print(json.dumps(result, indent=2, sort_keys=True))
    if not result["ok"]:
        verb = " ".join(filter(None, (args.group, args.verb, getattr(args, "clients_verb", None))))
        print(f"arena {verb}: {result.get('error', 'failed')}", file=sys.stderr)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
