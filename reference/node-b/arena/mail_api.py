"""HTTP: the mail outbox for admins (seed 002's operator surface): deliveries by status, one delivery and its
attempts, the dead letters, resend, a test message, purging a delivery. Bodies are never answered (reset tokens).
Admins, or the deployment's service token."""
from . import app, mail_config, mail_outbox
from .admin_api import operator
from .web import HttpError, Route


def _id(req) -> int:
    raw = req.params["id"]
    if not raw.isdigit():
        raise HttpError(404, f"no mail delivery {raw!r}")
    return int(raw)


def _page(req) -> int:
    try:
        return int(req.query.get("page", "1"))
    except ValueError:
        raise HttpError(400, "page must be a number") from None


def deliveries(req):
    with app.transaction() as cur:
        operator(req, cur)
        found = mail_outbox.listing(cur, req.query.get("status") or None, _page(req))
        return 200, {**found, "counts": mail_outbox.counts(cur), "policy": mail_config.load().policy()}


def dead_letters(req):
    with app.transaction() as cur:
        operator(req, cur)
        return 200, mail_outbox.listing(cur, "dead_lettered", _page(req))


def delivery(req):
    with app.transaction() as cur:
        operator(req, cur)
        return 200, {"delivery": mail_outbox.get(cur, _id(req))}


def attempts(req):
    with app.transaction() as cur:
        operator(req, cur)
        delivery_id = _id(req)
        return 200, {"deliveryId": delivery_id, "attempts": mail_outbox.attempts(cur, delivery_id)}


def resend(req):
    with app.transaction() as cur:
        return 200, mail_outbox.resend(cur, _id(req), operator(req, cur))


def test_message(req):
    """A message to any address, through the outbox like any other: an operator's check that mail leaves."""
    with app.transaction() as cur:
        return 201, {"delivery": mail_outbox.queue_test(cur, req.field("to"), operator(req, cur))}


def purge(req):
    """A delivery removed from the outbox with its attempts (an operator's clean-up); audited."""
    with app.transaction() as cur:
        return 200, {"purged": mail_outbox.purge(cur, _id(req), operator(req, cur))}


ROUTES = [
    Route("GET", "/api/admin/mail/deliveries", deliveries),
    Route("GET", "/api/admin/mail/dead-letters", dead_letters),
    Route("GET", "/api/admin/mail/deliveries/{id}", delivery),
    Route("GET", "/api/admin/mail/deliveries/{id}/attempts", attempts),
    Route("POST", "/api/admin/mail/deliveries/{id}/resend", resend),
    Route("POST", "/api/admin/mail/test", test_message),
    Route("DELETE", "/api/admin/mail/deliveries/{id}", purge),
]
