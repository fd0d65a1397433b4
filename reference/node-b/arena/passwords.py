"""Password hashing with scrypt (stdlib, memory-hard). The parameters travel with each hash, so they can
be raised later without breaking stored ones."""
import base64
import hashlib
import hmac
import os

N, R, P = 2 ** 14, 8, 1  # ~16 MiB and a few tens of ms per hash: costly to brute-force, cheap enough per login
MIN_LENGTH = 10


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(key)}"


def verify(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# Checked against when the email is unknown, so a failed login takes as long whether or not the account exists.
DUMMY_HASH = hash_password(os.urandom(12).hex())


def problem(password) -> str:
    """Why a new password is refused, or '' when it is acceptable."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        return f"password must be at least {MIN_LENGTH} characters"
    return ""
