"""Routes to the teams' instance subnets, through the uplink. Ours carry protocol 199, so reconcile
finds and removes stale ones without touching routes it did not make."""
import json

from .system import run

PROTO = "199"


def live() -> dict:
    """Our routes as they are: subnet -> "via <gateway> dev <interface>"."""
    routes = json.loads(run("ip", "-j", "-4", "route", "show", "proto", PROTO) or "[]")
    return {r["dst"]: f"via {r.get('gateway', '-')} dev {r.get('dev', '-')}" for r in routes}


def wanted(gateway: str, uplink: str) -> str:
    return f"via {gateway} dev {uplink}"


def replace(subnet: str, gateway: str, uplink: str) -> None:
    run("ip", "route", "replace", subnet, "via", gateway, "dev", uplink, "proto", PROTO)


def delete(subnet: str) -> None:
    run("ip", "route", "del", subnet, "proto", PROTO)
