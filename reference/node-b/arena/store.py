"""One database transaction per unit of work: committed when the block ends, rolled back on any error.
A connection per transaction keeps the API simple and survives a database restart with no pool to heal."""
from contextlib import contextmanager

from . import db


@contextmanager
def transaction(cfg: dict):
    conn = db.connect(cfg)
    try:
        with conn.cursor() as cur:
            yield cur
        conn.commit()
    except BaseException as exc:
        # A refusal (web.Refusal) keeps what it wrote, its audit row; anything else undoes the lot.
        if getattr(exc, "keep_writes", False):
            conn.commit()
        else:
            conn.rollback()
        raise
    finally:
        conn.close()
