"""Node C's configuration: the env file the deployment writes (/etc/arena/arena.env)."""
import ipaddress
import os
import re

from arena_common import envfile

ENV_FILE = os.environ.get("ARENA_ENV_FILE", "/etc/arena/arena.env")


def _cidr(value: str) -> bool:
    try:
        ipaddress.ip_interface(value)
        return "/" in value
    except ValueError:
        return False


def _ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False


# Every key node C needs, with what a valid value looks like.
RULES = {
    "ARENA_WG_INTERFACE": (lambda v: re.fullmatch(r"[a-z][a-z0-9_-]{0,14}", v) is not None, "an interface name (at most 15 characters)"),
    "ARENA_WG_ADDRESS": (_cidr, "the VPN's own address with the peers' prefix, e.g. 10.66.0.1/16"),
    "ARENA_WG_PORT": (lambda v: v.isdigit() and 0 < int(v) < 65536, "a UDP port number"),
    "ARENA_WG_PRIVATE_KEY_FILE": (lambda v: v.startswith("/"), "an absolute path"),
    "ARENA_VPN_STATE": (lambda v: re.match(r"^(file:///|https?://)", v) is not None, "a file:/// or http(s):// URL"),
    "ARENA_VPN_UPLINK": (lambda v: re.fullmatch(r"[a-z][a-z0-9_-]{0,14}", v) is not None, "an interface name"),
    "ARENA_VPN_UPLINK_GATEWAY": (_ip, "an IPv4 address"),
    "ARENA_VPN_PROBE_NET": (_cidr, "a CIDR inside the peers' network, reserved for `vpn test`"),
}

# Keys a node fed from B has (the bearer token for B's state, B's API for the simulated clients, the
# periodic reconcile): checked when present, never required (a node alone seeds its own state).
OPTIONAL = {
    "ARENA_VPN_STATE_TOKEN": (lambda v: len(v) >= 16, "a bearer token of at least 16 characters"),
    "ARENA_API_URL": (lambda v: re.match(r"^https?://[^/]+$", v) is not None, "B's API as http(s)://host:port"),
    "ARENA_VPN_RECONCILE_INTERVAL": (lambda v: re.fullmatch(r"\d+(\.\d+)?", v) is not None, "seconds between reconciles (0: none)"),
}


def load(path: str = ENV_FILE) -> dict:
    return envfile.read(path)


def _key_file_problem(path: str):
    try:
        with open(path, encoding="utf-8") as handle:
            key = handle.read().strip()
    except OSError as exc:
        return f"unreadable: {exc.strerror}"
    if not re.fullmatch(r"[A-Za-z0-9+/]{43}=", key):
        return "not a WireGuard key"
    if os.stat(path).st_mode & 0o077:
        return "readable by group or others"
    return None


def validate(role: str, values: dict) -> dict:
    if role != "vpn":
        return {"ok": False, "role": role, "file": ENV_FILE, "error": f"node C serves role 'vpn', not {role!r}"}
    missing = [key for key in RULES if not values.get(key)]
    invalid = [{"key": key, "expected": expected} for key, (check, expected) in {**RULES, **OPTIONAL}.items() if values.get(key) and not check(values[key])]
    if not missing and not invalid:
        problem = _key_file_problem(values["ARENA_WG_PRIVATE_KEY_FILE"])
        if problem:
            invalid.append({"key": "ARENA_WG_PRIVATE_KEY_FILE", "expected": f"a private key only root reads ({problem})"})
        elif not ipaddress.ip_network(values["ARENA_VPN_PROBE_NET"]).subnet_of(ipaddress.ip_interface(values["ARENA_WG_ADDRESS"]).network):
            invalid.append({"key": "ARENA_VPN_PROBE_NET", "expected": f"inside {ipaddress.ip_interface(values['ARENA_WG_ADDRESS']).network}"})
    result = {"ok": not missing and not invalid, "role": role, "file": ENV_FILE, "missing": missing, "invalid": invalid}
    if not result["ok"]:
        result["error"] = "; ".join([f"{k} is missing" for k in missing] + [f"{i['key']} is not {i['expected']}" for i in invalid])
    return result


class ConfigError(Exception):
    """The env file does not describe a usable node C."""


def require() -> dict:
    """The validated configuration, or ConfigError naming what is wrong."""
    values = load()
    verdict = validate("vpn", values)
    if not verdict["ok"]:
        raise ConfigError(f"{ENV_FILE}: {verdict['error']}")
    return values
