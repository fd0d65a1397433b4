"""Node B's local SMTP sink (aiosmtpd), where the outbox delivers (`python3 -m arena.mail_sink`, started by the
entrypoint). It keeps what it received, and what it refused, as JSON lines in ARENA_MAIL_SINK_FILE (root only:
the messages carry reset tokens); `read` gives a check the messages' headers, never their bodies.

Recipients at ARENA_MAIL_SINK_REJECT_DOMAINS are refused for good (550) and those at
ARENA_MAIL_SINK_DEFER_DOMAINS for now (451): undeliverable mail comes from data, no fault switch needed."""
import json
import os
import threading
from datetime import datetime, timezone
from email import message_from_bytes

from . import mail_config

READY_FILE = "/run/arena-mail-sink.ready"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _number(value):
    return int(value) if value and str(value).strip().isdigit() else None


class Sink:
    def __init__(self, settings):
        self.settings = settings

    def _keep(self, entry: dict) -> None:
        with open(self.settings.sink_file, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, sort_keys=True) + "\n")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        domain = address.rpartition("@")[2].lower()
        reply = None
        if domain in self.settings.sink_reject_domains:
            reply = f"550 5.1.1 <{address}>: mailbox unavailable (the sink refuses {domain})"
        elif domain in self.settings.sink_defer_domains:
            reply = f"451 4.3.0 <{address}>: try again later (the sink defers {domain})"
        if reply:
            self._keep({"kind": "refused", "at": _now(), "from": envelope.mail_from, "to": address, "code": int(reply[:3]), "reply": reply})
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        headers = message_from_bytes(envelope.content)
        self._keep({
            "kind": "received", "receivedAt": _now(), "from": envelope.mail_from, "to": list(envelope.rcpt_tos),
            "subject": headers.get("Subject"), "messageId": headers.get("Message-ID"),
            "deliveryId": _number(headers.get("X-Arena-Delivery")), "attemptNo": _number(headers.get("X-Arena-Attempt")),
            "bytes": len(envelope.content), "message": envelope.content.decode("utf-8", errors="replace"),
        })
        return "250 Message accepted for delivery"


def read(settings, to=None) -> dict:
    """What the sink received (headers only) and refused, oldest first; `to` keeps one recipient's."""
    messages, refused = [], []
    try:
        with open(settings.sink_file, encoding="utf-8") as handle:
            lines = handle.readlines()
    except FileNotFoundError:
        lines = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:  # a line being written right now
            continue
        if entry.get("kind") == "received" and (to is None or to in entry["to"]):
            entry.pop("message", None)
            messages.append({k: v for k, v in entry.items() if k != "kind"})
        elif entry.get("kind") == "refused" and (to is None or entry["to"] == to):
            refused.append({k: v for k, v in entry.items() if k != "kind"})
    return {"file": settings.sink_file, "messages": messages, "refused": refused}


def main() -> None:
    from aiosmtpd.controller import Controller  # only the sink process needs the server

    settings = mail_config.load()
    os.umask(0o077)
    controller = Controller(Sink(settings), hostname=settings.smtp_host, port=settings.smtp_port)
    controller.start()  # returns once the server answers
    with open(READY_FILE, "w", encoding="utf-8") as handle:
        handle.write(str(os.getpid()))
    print(f"[mail-sink] listening on {settings.smtp_host}:{settings.smtp_port}, keeping mail in {settings.sink_file}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
