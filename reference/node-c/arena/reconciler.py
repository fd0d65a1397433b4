"""Reconcile with the state B publishes: on request (`arena vpn reconcile`, the boot) and, when the
deployment sets ARENA_VPN_RECONCILE_INTERVAL, periodically (`python3 -m arena.reconciler`, started by
the entrypoint), so peers and routes follow B: a user who joins another team or removes their key. Each
pass, whoever ran it, is written to LAST_FILE: `vpn status` shows when the last one ran and how it went.
While B does not answer, a pass fails, the node keeps what it has, and the next pass tries again."""
import json
import os
import sys
import time
from datetime import datetime, timezone

from . import mutant, settings, state, vpn
from .system import CommandError

LAST_FILE = "/run/arena-vpn-reconcile.json"
FAILURES = (settings.ConfigError, state.StateError, CommandError)


def _record(entry: dict) -> None:
    temporary = f"{LAST_FILE}.{os.getpid()}"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(entry, handle)
    os.replace(temporary, LAST_FILE)


def last() -> dict:
    """The last pass ({at, ageSeconds, trigger, ok, error, peers, routes}), None before the first."""
    try:
        with open(LAST_FILE, encoding="utf-8") as handle:
            entry = json.load(handle)
    except (FileNotFoundError, ValueError):
        return None
    entry["ageSeconds"] = round(time.time() - entry.pop("epoch"), 1)
    return entry


def reconcile_now(trigger: str) -> dict:
    """One pass, recorded; the CLI's answer (`{ok, state, peers, routes, rules}`). Raises what failed, recorded too."""
    entry = {"at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "epoch": time.time(), "trigger": trigger,
             "ok": False, "error": None, "peers": None, "routes": None}
    try:
        node = vpn.configured()
        desired = node.desired()
        with vpn.exclusive():
            done = vpn.reconcile(node, desired)
    except FAILURES as exc:
        _record({**entry, "error": str(exc)})
        raise
    _record({**entry, "ok": True, "peers": {k: len(v) if isinstance(v, list) else v for k, v in done["peers"].items()},
             "routes": {k: len(v) if isinstance(v, list) else v for k, v in done["routes"].items()}})
    summary = {"source": desired.source, "teams": len(desired.teams), "principals": len(desired.principals)}
    return {"ok": True, "state": summary, **done}


def main() -> int:
    said = None
    while True:
        try:
            interval = vpn.configured().reconcile_interval
        except settings.ConfigError as exc:
            interval, problem = 5.0, str(exc)
        else:
            if interval <= 0:
                return 0
            try:
                # vpn-reconciler-stalled: the loop lives on and never reconciles; C stops following B.
                if mutant.on("vpn-reconciler-stalled"):
                    time.sleep(interval)
                    continue
                reconcile_now("interval")
                problem = None
            except FAILURES as exc:
                problem = str(exc)
        # A failure is logged once, and its end: not every few seconds while B is away.
        if problem != said:
            print(f"[node-c] reconciler: {problem or 'in sync with the state again'}", file=sys.stderr, flush=True)
            said = problem
        time.sleep(interval)


if __name__ == "__main__":
    sys.exit(main())
