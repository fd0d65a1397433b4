"""`arena mail …` on node B (JSON with --json; exit 0 ok, 1 failed with `error`, also on stderr):
  list [--status S] [--page N] | dead-letters [--page N] | show <id> | attempts <id> | resend <id>
  test <to>            queue a test message (to the sink's refused domain: a dead letter from data)
  work [--workers N] [--for S]   one delivery pass now (or passes for S seconds), N workers at once, beside the API's
  sink [--to ADDR]     what the local SMTP sink received (headers, never bodies) and refused"""
from . import mail_config, mail_delivery, mail_outbox, mail_sink
from .cli_accounts import _db, _said


def _page(status, page: int) -> dict:
    """A listing's keys when it failed."""
    return {"status": status, "page": page, "pageSize": mail_outbox.PAGE_SIZE, "total": 0, "deliveries": []}


def listing(args) -> dict:
    policy = mail_config.load().policy()
    return _db(lambda cur: {**mail_outbox.listing(cur, args.status, args.page), "counts": mail_outbox.counts(cur), "policy": policy},
               {**_page(args.status, args.page), "counts": {}, "policy": policy})


def dead_letters(args) -> dict:
    return _db(lambda cur: mail_outbox.listing(cur, "dead_lettered", args.page), _page("dead_lettered", args.page))


def show(args) -> dict:
    return _db(lambda cur: {"delivery": mail_outbox.get(cur, args.id)}, {"delivery": None})


def attempts(args) -> dict:
    return _db(lambda cur: {"deliveryId": args.id, "attempts": mail_outbox.attempts(cur, args.id)}, {"deliveryId": args.id, "attempts": []})


def resend(args) -> dict:
    return _db(lambda cur: mail_outbox.resend(cur, args.id, "cli"), {"delivery": None, "previousStatus": None})


def test_message(args) -> dict:
    return _db(lambda cur: {"delivery": mail_outbox.queue_test(cur, args.to, "cli")}, {"delivery": None})


def work(args) -> dict:
    return mail_delivery.work(args.workers, getattr(args, "for"))


def sink(args) -> dict:
    return {"ok": True, **mail_sink.read(mail_config.load(), args.to)}


def register(groups) -> None:
    mail = groups.add_parser("mail").add_subparsers(dest="verb", required=True)
    listed = mail.add_parser("list")
    listed.add_argument("--status", choices=mail_outbox.STATES)
    listed.add_argument("--page", type=int, default=1)
    listed.set_defaults(run=_said(listing))
    dead = mail.add_parser("dead-letters")
    dead.add_argument("--page", type=int, default=1)
    dead.set_defaults(run=_said(dead_letters))
    for verb, run in (("show", show), ("attempts", attempts), ("resend", resend)):
        one = mail.add_parser(verb)
        one.add_argument("id", type=int)
        one.set_defaults(run=_said(run))
    queued = mail.add_parser("test")
    queued.add_argument("to")
    queued.set_defaults(run=_said(test_message))
    worker = mail.add_parser("work")
    worker.add_argument("--workers", type=int, default=1)
    worker.add_argument("--for", type=float, default=0, metavar="SECONDS", help="keep working this long (default: one pass)")
    worker.set_defaults(run=_said(work))
    received = mail.add_parser("sink")
    received.add_argument("--to")
    received.set_defaults(run=_said(sink))
