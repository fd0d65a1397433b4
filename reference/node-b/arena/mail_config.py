"""Mail outbox settings: the deployment writes them to their own env file (/etc/arena/mail.env). Unset values
fall back to seed 002's defaults (a scan every 2 s, dead letter after 8 attempts); the reference node writes
small ones so a dead letter shows within seconds."""
import os

from . import config

ENV_FILE = os.environ.get("ARENA_MAIL_ENV_FILE", "/etc/arena/mail.env")


def _domains(value: str) -> frozenset:
    return frozenset(d.strip().lower() for d in value.split(",") if d.strip())


class Settings:
    def __init__(self, values: dict):
        self.worker_interval = float(values.get("ARENA_MAIL_WORKER_INTERVAL") or 2)
        self.max_attempts = int(values.get("ARENA_MAIL_MAX_ATTEMPTS") or 8)
        # The wait before attempt n+1 of a cycle: base * 2^(n-1) seconds, at most `backoff_max`.
        self.backoff_base = float(values.get("ARENA_MAIL_BACKOFF_BASE") or 2)
        self.backoff_max = float(values.get("ARENA_MAIL_BACKOFF_MAX") or 300)
        self.smtp_host = values.get("ARENA_SMTP_HOST") or "127.0.0.1"
        self.smtp_port = int(values.get("ARENA_SMTP_PORT") or 2525)
        self.smtp_timeout = float(values.get("ARENA_SMTP_TIMEOUT") or 5)
        self.sender = values.get("ARENA_MAIL_FROM") or "arena@arena.local"
        # The local sink: where it keeps what it received, and the domains it refuses (550) or defers (451).
        self.sink_file = values.get("ARENA_MAIL_SINK_FILE") or "/var/lib/arena/mail-sink.jsonl"
        self.sink_reject_domains = _domains(values.get("ARENA_MAIL_SINK_REJECT_DOMAINS", ""))
        self.sink_defer_domains = _domains(values.get("ARENA_MAIL_SINK_DEFER_DOMAINS", ""))

    def backoff(self, cycle_attempts: int) -> float:
        return min(self.backoff_base * 2 ** max(cycle_attempts - 1, 0), self.backoff_max)

    def policy(self) -> dict:
        """What a check needs to know to judge the outbox (no host or secret in it)."""
        return {"maxAttempts": self.max_attempts, "workerIntervalSeconds": self.worker_interval,
                "backoffSeconds": {"base": self.backoff_base, "max": self.backoff_max}}


def load() -> Settings:
    return Settings(config.load(ENV_FILE))
