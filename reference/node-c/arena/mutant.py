"""Fault switches: the one defect this node runs with (empty = healthy). The entrypoint records
ARENA_MUTANT in /etc/arena/mutant, so the CLI has it however it is started (docker exec, ssh, env -i)."""
import os

MUTANT_FILE = "/etc/arena/mutant"


def active() -> str:
    try:
        with open(MUTANT_FILE, encoding="utf-8") as handle:
            return handle.read().strip()
    except FileNotFoundError:
        return os.environ.get("ARENA_MUTANT", "").strip()


def on(name: str) -> bool:
    return active() == name
