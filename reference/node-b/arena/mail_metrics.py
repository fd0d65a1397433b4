"""The outbox in /metrics: deliveries by status, counted in the database at scrape time (the API's worker,
`arena mail work` and a resend all change them)."""
from . import config, db, mail_outbox, metrics


def _by_status():
    conn = None
    try:
        conn = db.connect(config.load(), timeout=2)
        with conn, conn.cursor() as cur:
            return mail_outbox.counts(cur)
    except Exception:  # database away: the series are left out of this scrape
        return None
    finally:
        if conn is not None:
            conn.close()


DELIVERIES = metrics.REGISTRY.gauges("arena_mail_deliveries", "Mail outbox deliveries, by status.", ("status",), _by_status)
