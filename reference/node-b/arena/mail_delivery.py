"""The outbox's delivery worker (seed 002): takes due deliveries with `SELECT … FOR UPDATE SKIP LOCKED`, one
row per transaction, and holds that row's lock while it talks SMTP, so any number of workers (the API's
thread, `arena mail work` and its threads) never send one row twice. Each attempt gets its own row in
`mail_attempts`; a cycle that reaches ARENA_MAIL_MAX_ATTEMPTS failures dead-letters the delivery."""
import os
import smtplib
import threading
import time
from datetime import datetime, timezone
from email.message import EmailMessage

import psycopg2

from . import audit, config, db, mail_config, metrics, mutant

ATTEMPTS = metrics.REGISTRY.counter("arena_mail_attempts_total", "Mail delivery attempts this process made, by outcome.", ("outcome",))
DUE = "status in ('pending', 'retrying') and next_attempt_at <= now()"
FIELDS = "id, recipient, subject, body, cycle_attempts, resends"
MAX_ATTEMPTS_PER_PASS = 1000  # a pass always ends, even if a setting makes rows due again at once


class SendFailed(Exception):
    def __init__(self, code, message: str):
        super().__init__(message)
        self.code = code


def send(settings, row, attempt_no: int) -> None:
    """One SMTP transaction for the delivery; SendFailed with the server's code and words otherwise."""
    delivery_id, recipient, subject, body = row[:4]
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, recipient, subject
    message["Message-ID"] = f"<delivery-{delivery_id}.attempt-{attempt_no}@arena>"
    # Which delivery and attempt a received message is: what the sink (and a check) reads.
    message["X-Arena-Delivery"], message["X-Arena-Attempt"] = str(delivery_id), str(attempt_no)
    message.set_content(body)
    where = f"smtp {settings.smtp_host}:{settings.smtp_port}"
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout) as smtp:
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        raise SendFailed(code, f"{where} refused the recipient: {code} {text.decode(errors='replace')}") from None
    except smtplib.SMTPResponseException as exc:
        raise SendFailed(exc.smtp_code, f"{where} answered {exc.smtp_code} {exc.smtp_error.decode(errors='replace')}") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise SendFailed(None, f"{where} unreachable: {exc or type(exc).__name__}") from None


def _next_attempt_no(cur, row) -> int:
    if mutant.on("mail-attempt-no-restarts"):
        return row[4] + 1  # the defect: counted within the cycle, so a resend starts again at 1
    cur.execute("select coalesce(max(attempt_no), 0) + 1 from mail_attempts where delivery_id = %s", (row[0],))
    return cur.fetchone()[0]


def _attempt(cur, settings, row, worker: str) -> dict:
    """Send the (locked) row once and record it: sent, retrying after a backoff, or dead-lettered."""
    delivery_id, cycle_attempts, cycle = row[0], row[4] + 1, row[5]
    attempt_no = _next_attempt_no(cur, row)
    started = datetime.now(timezone.utc)
    try:
        send(settings, row, attempt_no)
        failure = None
    except SendFailed as exc:
        failure = exc
    # Times are clock_timestamp(): now() is when the transaction began, before the send.
    cur.execute("insert into mail_attempts (delivery_id, attempt_no, cycle, worker, started_at, finished_at, outcome, smtp_code, error)"
                " values (%s, %s, %s, %s, %s, clock_timestamp(), %s, %s, %s)",
                (delivery_id, attempt_no, cycle, worker, started, "failed" if failure else "sent",
                 failure.code if failure else None, str(failure) if failure else None))
    if failure is None:
        outcome = "sent"
        cur.execute("update mail_deliveries set status = 'sent', cycle_attempts = %s, sent_at = clock_timestamp(), last_error = null, updated_at = clock_timestamp()"
                    " where id = %s", (cycle_attempts, delivery_id))
    elif cycle_attempts >= settings.max_attempts and not mutant.on("mail-dead-letter-never-reached"):
        outcome = "dead_lettered"
        cur.execute("update mail_deliveries set status = 'dead_lettered', cycle_attempts = %s, dead_lettered_at = clock_timestamp(), last_error = %s,"
                    " updated_at = clock_timestamp() where id = %s", (cycle_attempts, str(failure), delivery_id))
        audit.record(cur, "mail.dead_lettered", "mail-worker", None, delivery=delivery_id, cycleAttempts=cycle_attempts,
                     lastAttemptNo=attempt_no, smtpCode=failure.code)
    else:
        outcome = "retrying"
        cur.execute("update mail_deliveries set status = 'retrying', cycle_attempts = %s, last_error = %s, updated_at = clock_timestamp(),"
                    " next_attempt_at = clock_timestamp() + %s * interval '1 second' where id = %s",
                    (cycle_attempts, str(failure), settings.backoff(cycle_attempts), delivery_id))
    ATTEMPTS.inc(outcome="sent" if failure is None else "failed")
    return {"id": delivery_id, "attemptNo": attempt_no, "outcome": outcome, "smtpCode": failure.code if failure else None}


def attempt_next(conn, settings, worker: str):
    """The next due delivery nobody else holds, attempted in its own transaction; None when none is due."""
    with conn, conn.cursor() as cur:
        cur.execute(f"select {FIELDS} from mail_deliveries where {DUE} order by next_attempt_at, id limit 1 for update skip locked")
        row = cur.fetchone()
        return _attempt(cur, settings, row, worker) if row else None


def _drain_unlocked(conn, settings, worker: str) -> list:
    """The defect `mail-worker-no-row-lock`: read what is due without locking it, then send each: two workers
    that read at the same time both send the same rows."""
    with conn, conn.cursor() as cur:
        cur.execute(f"select {FIELDS} from mail_deliveries where {DUE} order by next_attempt_at, id")
        rows = cur.fetchall()
    outcomes = []
    for row in rows:
        try:
            with conn, conn.cursor() as cur:
                outcomes.append(_attempt(cur, settings, row, worker))
        except psycopg2.Error as exc:  # e.g. the other worker recorded this attempt number first
            outcomes.append({"id": row[0], "attemptNo": None, "outcome": "error", "smtpCode": None, "error": str(exc).strip().splitlines()[0]})
    return outcomes


def drain(settings, worker: str) -> list:
    """One pass: attempt due deliveries until none is due; the outcomes, in order."""
    conn = db.connect(config.load())
    try:
        if mutant.on("mail-worker-no-row-lock"):
            return _drain_unlocked(conn, settings, worker)
        outcomes = []
        while len(outcomes) < MAX_ATTEMPTS_PER_PASS:
            outcome = attempt_next(conn, settings, worker)
            if outcome is None:
                break
            outcomes.append(outcome)
        return outcomes
    finally:
        conn.close()


WORK_POLL_SECONDS = 0.05


def work(workers: int = 1, seconds: float = 0) -> dict:
    """`arena mail work`: `workers` threads at once (each its own connection), beside any other worker; one pass,
    or passes every WORK_POLL_SECONDS for `seconds` (a worker process for a while, racing the API's)."""
    settings = mail_config.load()
    outcomes, errors, lock = [], [], threading.Lock()
    deadline = time.monotonic() + seconds

    def run(i: int) -> None:
        try:
            while True:
                found = drain(settings, f"cli:{os.getpid()}/{i}")
                with lock:
                    outcomes.extend(found)
                if time.monotonic() >= deadline:
                    break
                time.sleep(WORK_POLL_SECONDS)
        except Exception as exc:  # database down and the like: said, not raised
            with lock:
                errors.append(f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    by = lambda outcome: sorted({o["id"] for o in outcomes if o["outcome"] == outcome})  # noqa: E731
    result = {"ok": not errors, "workers": workers, "seconds": seconds, "attempts": outcomes, "sent": by("sent"), "retrying": by("retrying"),
              "deadLettered": by("dead_lettered")}
    if errors:
        result["error"] = errors[0]
    return result


def loop(settings) -> None:
    """The API process's worker: a pass every ARENA_MAIL_WORKER_INTERVAL; a failed pass is said once and retried."""
    worker, last_error = f"api:{os.getpid()}", None
    while True:
        try:
            for outcome in drain(settings, worker):
                # Ids and codes only: recipients are personal data and stay out of logs.
                print(f"[mail] delivery {outcome['id']} attempt {outcome['attemptNo']}: {outcome['outcome']}"
                      f"{'' if outcome['smtpCode'] is None else ' (' + str(outcome['smtpCode']) + ')'}", flush=True)
            last_error = None
        except Exception as exc:
            message = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
            if message != last_error:
                print(f"[mail] worker pass failed (retrying every {settings.worker_interval:g}s): {message}", flush=True)
            last_error = message
        time.sleep(settings.worker_interval)


def start() -> None:
    settings = mail_config.load()
    threading.Thread(target=loop, args=(settings,), daemon=True, name="mail-worker").start()
