"""Fault switches: ARENA_MUTANT names the one defect this node runs with (empty = healthy)."""
import os

ACTIVE = os.environ.get("ARENA_MUTANT", "").strip()


def on(name: str) -> bool:
    return ACTIVE == name
