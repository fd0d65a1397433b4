"""Users: registration, credentials, password reset, the seeded admin, a user's VPN key. Each function
works inside the caller's transaction and writes its audit row there."""
import hashlib
import re
import secrets

import psycopg2.errors  # the submodule is not always loaded with the package

from . import audit, passwords
from .web import HttpError, Refusal

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
HANDLE = re.compile(r"^[a-z][a-z0-9-]{2,31}$")
RESET_TTL_MINUTES = 30
COLUMNS = "id, email, handle, is_admin, disabled_at is not null, wg_public_key"


def as_dict(row) -> dict:
    return {"id": row[0], "email": row[1], "handle": row[2], "isAdmin": row[3], "disabled": row[4], "vpnPublicKey": row[5]}


def get(cur, user_id: int):
    cur.execute(f"select {COLUMNS} from users where id = %s", (user_id,))
    row = cur.fetchone()
    return as_dict(row) if row else None


def by_login(cur, email_or_handle: str):
    """The user with this email (any case) or handle; None if there is none."""
    cur.execute(f"select {COLUMNS} from users where email = lower(%s) or handle = %s", (email_or_handle, email_or_handle))
    row = cur.fetchone()
    return as_dict(row) if row else None


def list_all(cur) -> list:
    cur.execute(f"select {COLUMNS} from users order by id")
    return [as_dict(r) for r in cur.fetchall()]


def _check(email: str, handle: str, password: str) -> None:
    if not EMAIL.match(email):
        raise HttpError(400, f"email {email!r} is not an email address")
    if not HANDLE.match(handle):
        raise HttpError(400, f"handle {handle!r} must be 3-32 characters: a-z first, then a-z, 0-9 or -")
    problem = passwords.problem(password)
    if problem:
        raise HttpError(400, problem)


def create(cur, email: str, handle: str, password: str, actor: str, is_admin: bool = False) -> dict:
    email = email.strip().lower()
    _check(email, handle, password)
    cur.execute("savepoint register")
    try:
        cur.execute(
            f"insert into users (email, handle, password_hash, is_admin) values (%s, %s, %s, %s) returning {COLUMNS}",
            (email, handle, passwords.hash_password(password), is_admin),
        )
    except psycopg2.errors.UniqueViolation as exc:
        cur.execute("rollback to savepoint register")
        taken = "handle" if "handle" in str(exc.diag.constraint_name) else "email"
        raise HttpError(409, f"{taken} {(handle if taken == 'handle' else email)!r} is already registered") from None
    user = as_dict(cur.fetchone())
    audit.record(cur, "user.registered", actor, user["id"], email=email, handle=handle, admin=is_admin)
    return user


def authenticate(cur, email: str, password: str, client: str):
    """The user when the credentials are right and the account enabled; None otherwise (audited either way)."""
    email = (email or "").strip().lower()
    cur.execute(f"select {COLUMNS}, password_hash from users where email = %s", (email,))
    row = cur.fetchone()
    # Verify against a dummy hash for an unknown email: the answer takes as long either way.
    good = passwords.verify(password or "", row[6] if row else passwords.DUMMY_HASH) and row is not None
    reason = None if good and not row[4] else ("disabled" if good else "bad credentials")
    if reason:
        audit.record(cur, "login.failed", "anonymous", row[0] if row else None, email=email, reason=reason, client=client)
        return None
    user = as_dict(row[:6])
    audit.record(cur, "login.ok", f"user:{user['id']}", user["id"], client=client)
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(cur, email: str, public_url: str, client: str) -> None:
    """A reset token for a known email, mailed through the outbox; an unknown email changes nothing (but
    is audited), and the caller answers the same either way, so nobody learns which emails exist."""
    email = (email or "").strip().lower()
    cur.execute("select id from users where email = %s and disabled_at is null", (email,))
    row = cur.fetchone()
    if not row:
        audit.record(cur, "password.reset.requested", "anonymous", None, email=email, known=False, client=client)
        return
    token = secrets.token_urlsafe(32)
    cur.execute(
        "insert into password_resets (user_id, token_hash, expires_at) values (%s, %s, now() + %s * interval '1 minute')",
        (row[0], _token_hash(token), RESET_TTL_MINUTES),
    )
    cur.execute(
        "insert into mail_deliveries (recipient, template, subject, body) values (%s, 'password-reset', %s, %s)",
        (email, "Reset your arena password",
         f"Someone asked to reset your arena password. Within {RESET_TTL_MINUTES} minutes, use this token:\n"
         f"{token}\n(POST {public_url}/api/password-reset/confirm). If it was not you, ignore this mail."),
    )
    audit.record(cur, "password.reset.requested", "anonymous", row[0], known=True, client=client)


def confirm_reset(cur, token: str, password: str, client: str) -> int:
    """Set the new password with a valid, unused, unexpired token; returns the user id (whose sessions the caller ends)."""
    problem = passwords.problem(password)
    if problem:
        raise HttpError(400, problem)
    cur.execute(
        "update password_resets set used_at = now() where token_hash = %s and used_at is null and expires_at > now() returning user_id",
        (_token_hash(token or ""),),
    )
    row = cur.fetchone()
    if not row:
        audit.record(cur, "password.reset.rejected", "anonymous", None, reason="unknown, used or expired token", client=client)
        raise Refusal(400, "reset token is unknown, used or expired")
    cur.execute("update users set password_hash = %s, password_changed_at = now() where id = %s", (passwords.hash_password(password), row[0]))
    # Other outstanding tokens of the user die with this one.
    cur.execute("update password_resets set used_at = now() where user_id = %s and used_at is null", (row[0],))
    audit.record(cur, "password.reset.used", "anonymous", row[0], client=client)
    return row[0]


def ensure_admin(cur, email: str, password: str) -> dict:
    """The bootstrap admin (runbook: "Bootstrap the schema and admin user"). Idempotent: an existing admin
    keeps the password it has now (it may have been rotated since)."""
    cur.execute(f"select {COLUMNS} from users where email = %s", (email.lower(),))
    row = cur.fetchone()
    if row:
        return {**as_dict(row), "created": False}
    return {**create(cur, email, "admin", password, "cli", is_admin=True), "created": True}


def disable(cur, user_id: int, actor: str) -> dict:
    cur.execute(f"update users set disabled_at = coalesce(disabled_at, now()) where id = %s returning {COLUMNS}", (user_id,))
    row = cur.fetchone()
    if not row:
        raise HttpError(404, f"no user {user_id}")
    audit.record(cur, "admin.user.disabled", actor, user_id)
    return as_dict(row)
