"""The audit log: one row per lifecycle or security event, written in the transaction of the event itself
(an event that rolls back leaves no row; one that commits always has its row)."""
import json

from . import metrics, mutant

EVENTS = metrics.REGISTRY.counter("arena_audit_events_total", "Audit log rows written, by action.", ("action",))

# The defect `audit-row-missing`: this one event type is never audited.
SKIPPED_BY_MUTANT = "login.failed"


def record(cur, action: str, actor: str, user_id=None, **detail) -> None:
    """actor: who did it (`user:<id>`, `admin:<id>`, `anonymous`, `cli`, `node-c`); user_id: whom it concerns."""
    if mutant.on("audit-row-missing") and action == SKIPPED_BY_MUTANT:
        return
    cur.execute(
        "insert into audit_log (actor, action, user_id, detail) values (%s, %s, %s, %s)",
        (actor, action, user_id, json.dumps(detail, sort_keys=True)),
    )
    EVENTS.inc(action=action)


def recent(cur, action=None, limit: int = 100) -> list:
    cur.execute(
        "select id, at, actor, action, user_id, detail from audit_log"
        " where %s::text is null or action = %s order by id desc limit %s",
        (action, action, limit),
    )
    return [
        {"id": r[0], "at": r[1].isoformat(), "actor": r[2], "action": r[3], "userId": r[4], "detail": r[5]}
        for r in cur.fetchall()
    ]
