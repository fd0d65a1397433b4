"""The mail outbox's rows (seed 002): queue a message, read deliveries and their attempts, resend. Each
function works inside the caller's transaction and writes its audit row there. Bodies never leave this
module: a password-reset mail carries a token."""
import re

from . import audit, mutant
from .web import HttpError, Refusal

STATES = ("pending", "retrying", "sent", "dead_lettered")
RESENDABLE = ("pending", "retrying", "dead_lettered")
PAGE_SIZE = 50

COLUMNS = (
    "d.id, d.recipient, d.template, d.subject, d.status, d.cycle_attempts, d.resends, d.next_attempt_at, d.last_error,"
    " d.created_at, d.updated_at, d.sent_at, d.dead_lettered_at,"
    " (select coalesce(max(a.attempt_no), 0) from mail_attempts a where a.delivery_id = d.id)"
)


def _time(value):
    return value.isoformat() if value is not None else None


def as_dict(row) -> dict:
    return {
        "id": row[0], "recipient": row[1], "template": row[2], "subject": row[3], "status": row[4],
        "cycleAttempts": row[5], "resends": row[6], "nextAttemptAt": _time(row[7]) if row[4] in ("pending", "retrying") else None,
        "lastError": row[8], "createdAt": _time(row[9]), "updatedAt": _time(row[10]), "sentAt": _time(row[11]),
        "deadLetteredAt": _time(row[12]), "lastAttemptNo": row[13],
    }


def enqueue(cur, recipient: str, template: str, subject: str, body: str) -> dict:
    cur.execute("insert into mail_deliveries (recipient, template, subject, body) values (%s, %s, %s, %s) returning id",
                (recipient, template, subject, body))
    return get(cur, cur.fetchone()[0])


def queue_test(cur, to: str, actor: str) -> dict:
    """A test message to any address, through the outbox like any other: an operator's check that mail leaves
    (to an address at the sink's refused domain: a dead letter from data)."""
    if not isinstance(to, str) or not re.match(r"^[^@\s]+@[^@\s]+$", to):
        raise HttpError(400, f"{to!r} is not an email address")
    queued = enqueue(cur, to, "test", "arena test message", "A test message from the arena control plane.")
    audit.record(cur, "mail.test.queued", actor, None, delivery=queued["id"])
    return queued


def get(cur, delivery_id: int) -> dict:
    cur.execute(f"select {COLUMNS} from mail_deliveries d where d.id = %s", (delivery_id,))
    row = cur.fetchone()
    if not row:
        raise HttpError(404, f"no mail delivery {delivery_id}")
    return as_dict(row)


def check_status(status):
    if status is not None and status not in STATES:
        raise HttpError(400, f"unknown status {status!r} (one of {', '.join(STATES)})")
    return status


def listing(cur, status=None, page: int = 1, page_size: int = PAGE_SIZE) -> dict:
    """One page of deliveries, newest first, optionally of one status; `total` counts them all."""
    check_status(status)
    if page < 1:
        raise HttpError(400, "page starts at 1")
    cur.execute("select count(*) from mail_deliveries where %s::text is null or status = %s", (status, status))
    total = cur.fetchone()[0]
    cur.execute(f"select {COLUMNS} from mail_deliveries d where %s::text is null or d.status = %s order by d.id desc limit %s offset %s",
                (status, status, page_size, (page - 1) * page_size))
    return {"status": status, "page": page, "pageSize": page_size, "total": total, "deliveries": [as_dict(r) for r in cur.fetchall()]}


def counts(cur) -> dict:
    cur.execute("select status, count(*) from mail_deliveries group by status")
    found = dict(cur.fetchall())
    return {state: found.get(state, 0) for state in STATES}


def attempts(cur, delivery_id: int) -> list:
    get(cur, delivery_id)  # 404 for an unknown delivery, not an empty list
    cur.execute("select attempt_no, cycle, worker, started_at, finished_at, outcome, smtp_code, error from mail_attempts"
                " where delivery_id = %s order by id", (delivery_id,))
    return [{"attemptNo": r[0], "cycle": r[1], "worker": r[2], "startedAt": _time(r[3]), "finishedAt": _time(r[4]),
             "outcome": r[5], "smtpCode": r[6], "error": r[7]} for r in cur.fetchall()]


def resend(cur, delivery_id: int, actor: str) -> dict:
    """Re-arm a delivery for another cycle of attempts, due now. A worker sending it right now holds its row:
    the lock waits for that attempt, so a row it has just sent is refused like any sent row."""
    cur.execute("select status from mail_deliveries where id = %s for update", (delivery_id,))
    row = cur.fetchone()
    if not row:
        raise HttpError(404, f"no mail delivery {delivery_id}")
    previous = row[0]
    if previous not in RESENDABLE and not mutant.on("mail-resend-of-sent-accepted"):
        audit.record(cur, "mail.resend.refused", actor, None, delivery=delivery_id, status=previous)
        raise Refusal(409, f"mail delivery {delivery_id} is {previous}: only a pending, retrying or dead_lettered delivery can be resent",
                      deliveryId=delivery_id, deliveryStatus=previous)
    cur.execute("update mail_deliveries set status = 'pending', cycle_attempts = 0, resends = resends + 1, next_attempt_at = now(),"
                " dead_lettered_at = null, updated_at = now() where id = %s", (delivery_id,))
    audit.record(cur, "mail.resend", actor, None, delivery=delivery_id, previousStatus=previous)
    return {"delivery": get(cur, delivery_id), "previousStatus": previous}


def purge(cur, delivery_id: int, actor: str) -> dict:
    """Remove a delivery and its attempts (cascade). One a worker holds right now waits for that attempt."""
    cur.execute("select status from mail_deliveries where id = %s for update", (delivery_id,))
    row = cur.fetchone()
    if not row:
        raise HttpError(404, f"no mail delivery {delivery_id}")
    cur.execute("delete from mail_deliveries where id = %s", (delivery_id,))
    audit.record(cur, "mail.purged", actor, None, delivery=delivery_id, status=row[0])
    return {"id": delivery_id, "status": row[0]}


def after_migrations(conn) -> dict:
    """`arena db bootstrap`'s step for the outbox: under `mail-attempt-no-restarts`, lose the index that keeps
    attempt numbers unique per delivery (the defect numbers each resend's attempts from 1 again)."""
    if mutant.on("mail-attempt-no-restarts"):
        with conn.cursor() as cur:
            cur.execute("drop index if exists mail_attempts_delivery_attempt_no")
        conn.commit()
    return {}
