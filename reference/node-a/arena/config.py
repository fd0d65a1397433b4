"""Node A's configuration: the env file its deployment writes (/etc/arena/arena.env), and its rules."""
import os
import re

from arena_common import envfile

ENV_FILE = os.environ.get("ARENA_ENV_FILE", "/etc/arena/arena.env")
ROLE = "registry"
SLUG = r"[a-z0-9][a-z0-9-]{0,62}"

# What the registry role cannot run without, and the shape each value must have.
RULES = {
    "ARENA_REGISTRY_URL": (r"^https://[^/:]+:\d{1,5}$", "https://host:port (TLS only)"),
    "ARENA_REGISTRY_USER": (r"^[a-z][a-z0-9_-]*$", "a lower-case user name"),
    "ARENA_REGISTRY_PASSWORD": (r"^.{16,}$", "at least 16 characters"),
    "ARENA_REGISTRY_CA": (r"^/", "an absolute path to the registry's CA certificate"),
    "ARENA_CHALLENGES": (rf"^{SLUG}(,{SLUG})*$", "a comma-separated list of challenge slugs"),
}


def load(path: str = ENV_FILE) -> dict:
    return envfile.read(path)


def validate(role: str, values: dict) -> dict:
    """Same shape as every node's `env validate`: ok, role, file, missing, invalid (and error on a bad role)."""
    result = {"ok": False, "role": role, "file": ENV_FILE, "missing": [], "invalid": []}
    if role != ROLE:
        return {**result, "error": f"node A validates role {ROLE!r} only, not {role!r}"}
    result["missing"] = [key for key in RULES if not values.get(key)]
    result["invalid"] = [
        {"key": key, "expected": expected}
        for key, (pattern, expected) in RULES.items()
        if values.get(key) and not re.match(pattern, values[key])
    ]
    if not result["missing"] and not os.path.isfile(values["ARENA_REGISTRY_CA"]):
        result["invalid"].append({"key": "ARENA_REGISTRY_CA", "expected": "an existing file"})
    result["ok"] = not result["missing"] and not result["invalid"]
    return result


def challenges(values: dict) -> list:
    return [slug for slug in values.get("ARENA_CHALLENGES", "").split(",") if slug]
