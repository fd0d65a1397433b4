"""Instance settings: the deployment writes them to their own env file (/etc/arena/instances.env)."""
import os
import re

from . import config

ENV_FILE = os.environ.get("ARENA_INSTANCES_ENV_FILE", "/etc/arena/instances.env")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class Settings:
    def __init__(self, values: dict):
        self.registry = values.get("ARENA_REGISTRY", "")  # host:port as the host's Docker daemon reaches it
        self.registry_user = values.get("ARENA_REGISTRY_USER", "ctf")
        self.registry_password = values.get("ARENA_REGISTRY_PASSWORD", "")
        self.challenges = [s for s in values.get("ARENA_CHALLENGES", "").split(",") if SLUG.match(s)]
        self.ttl = int(values.get("ARENA_INSTANCE_TTL") or 3600)
        self.reconcile_interval = float(values.get("ARENA_RECONCILE_INTERVAL") or 30)
        self.reaper_interval = float(values.get("ARENA_REAPER_INTERVAL") or 0.5)
        self.docker_url = values.get("ARENA_DOCKER_URL") or "unix:///var/run/docker.sock"
        self.service_token = values.get("ARENA_SERVICE_TOKEN", "")
        # Labels the deployment wants on every instance (the test fleet's run id, so its cleanup finds them).
        self.extra_labels = dict(
            pair.split("=", 1) for pair in values.get("ARENA_INSTANCE_LABELS", "").split(",") if "=" in pair
        )


def load() -> Settings:
    return Settings(config.load(ENV_FILE))
