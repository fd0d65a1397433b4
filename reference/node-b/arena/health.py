"""Readiness checks shared by /readyz and `arena health all`."""
import redis

from . import db, mutant


def check_database(cfg: dict) -> dict:
    try:
        conn = db.connect(cfg)
    except Exception as exc:  # any driver error means "not reachable"
        return {"ok": False, "detail": f"unreachable: {str(exc).strip().splitlines()[0]}"}
    try:
        pending = sorted(set(db.available()) - set(db.applied(conn)))
        if pending:
            return {"ok": False, "detail": f"migrations pending: {', '.join(pending)}"}
        return {"ok": True, "detail": "migrations applied"}
    finally:
        conn.close()


def check_redis(cfg: dict) -> dict:
    try:
        client = redis.Redis.from_url(cfg["ARENA_REDIS_URL"], socket_timeout=2, socket_connect_timeout=2)
        client.ping()
        return {"ok": True, "detail": "PONG"}
    except Exception as exc:
        return {"ok": False, "detail": f"unreachable: {exc}"}


_database_was_ready = False


def _database(cfg: dict) -> dict:
    global _database_was_ready
    result = check_database(cfg)
    _database_was_ready = _database_was_ready or result["ok"]
    if mutant.on("readyz-lies-db-down") and _database_was_ready and not result["ok"]:
        # The defect: once the database has been ready, readiness stops asking it.
        return {"ok": True, "detail": "migrations applied"}
    return result


def readiness(cfg: dict) -> dict:
    checks = {"database": _database(cfg), "redis": check_redis(cfg)}
    ready = all(c["ok"] for c in checks.values())
    if mutant.on("readyz-stuck"):
        ready = False
        checks["startup"] = {"ok": False, "detail": "warm-up never finished"}
    return {"ready": ready, "checks": checks}
