"""The node's configuration, read from the env file a deployment writes (/etc/arena/arena.env)."""
import os
import re

from arena_common import envfile

ENV_FILE = os.environ.get("ARENA_ENV_FILE", "/etc/arena/arena.env")

# What each role cannot start without; validated by `arena env validate <role>`.
REQUIRED = {
    "control-plane": [
        "ARENA_DB_HOST", "ARENA_DB_PORT", "ARENA_DB_NAME", "ARENA_DB_USER", "ARENA_DB_PASSWORD",
        "ARENA_REDIS_URL", "ARENA_SESSION_SECRET", "ARENA_PUBLIC_URL",
        "ARENA_ADMIN_EMAIL", "ARENA_ADMIN_PASSWORD", "ARENA_VPN_STATE_TOKEN",
    ],
    "registry": ["ARENA_REGISTRY_URL", "ARENA_REGISTRY_USER", "ARENA_REGISTRY_PASSWORD"],
    "vpn": ["ARENA_WG_INTERFACE", "ARENA_WG_SUBNET"],
}

RULES = {
    "ARENA_DB_PORT": (r"^\d{1,5}$", "a TCP port number"),
    "ARENA_REDIS_URL": (r"^redis://", "a redis:// URL"),
    "ARENA_PUBLIC_URL": (r"^https?://", "an http(s):// URL"),
    "ARENA_SESSION_SECRET": (r"^.{32,}$", "at least 32 characters"),
    "ARENA_ADMIN_EMAIL": (r"^[^@\s]+@[^@\s]+$", "an email address"),
    "ARENA_ADMIN_PASSWORD": (r"^.{16,}$", "at least 16 characters"),
    "ARENA_VPN_STATE_TOKEN": (r"^.{32,}$", "at least 32 characters"),
}


def load(path: str = ENV_FILE) -> dict:
    return envfile.read(path)


def validate(role: str, values: dict) -> dict:
    if role not in REQUIRED:
        return {"ok": False, "role": role, "error": f"unknown role {role!r}; known: {sorted(REQUIRED)}"}
    missing = [key for key in REQUIRED[role] if not values.get(key)]
    invalid = []
    for key in REQUIRED[role]:
        rule = RULES.get(key)
        if rule and values.get(key) and not re.match(rule[0], values[key]):
            invalid.append({"key": key, "expected": rule[1]})
    return {"ok": not missing and not invalid, "role": role, "file": ENV_FILE, "missing": missing, "invalid": invalid}
