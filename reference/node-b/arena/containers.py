"""Instance containers on the host's Docker daemon (through its socket): pull, run, find by label, remove."""
import re
import secrets

import docker
from docker.errors import APIError, DockerException, NotFound

from . import mutant

# arena's own labels on every instance container; LABEL_CONTROLLER scopes each deployment's reconciler.
LABEL_CONTROLLER = "arena.controller"
LABEL_INSTANCE = "arena.instance"
LABEL_PRINCIPAL = "arena.principal"
LABEL_CHALLENGE = "arena.challenge"


class ContainerError(Exception):
    """What failed, in words an operator can act on."""


def explain(exc: Exception) -> str:
    text = getattr(exc, "explanation", None) or str(exc)
    return str(text).strip().splitlines()[0] if str(text).strip() else type(exc).__name__


class Containers:
    def __init__(self, settings, controller: str):
        self.settings = settings
        self.controller = controller
        self._client = None

    @property
    def client(self):
        if self._client is None:
            try:
                self._client = docker.DockerClient(base_url=self.settings.docker_url, timeout=60)
                self._client.ping()
            except DockerException as exc:
                self._client = None
                raise ContainerError(f"docker unreachable at {self.settings.docker_url}: {explain(exc)}") from exc
        return self._client

    def reference(self, image: str) -> str:
        if not self.settings.registry:
            raise ContainerError("no registry configured (ARENA_REGISTRY is empty)")
        return f"{self.settings.registry}/{image}"

    def pull(self, image: str):
        """Pull through the host's daemon, with the registry's credentials (never logged)."""
        reference = self.reference(image)
        repository, _, tag = reference.rpartition(":")
        auth = {"username": self.settings.registry_user, "password": self.settings.registry_password}
        try:
            return self.client.images.pull(repository, tag=tag, auth_config=auth)
        except (APIError, DockerException) as exc:
            raise ContainerError(self.pull_failure(reference, explain(exc))) from exc

    def pull_failure(self, reference: str, detail: str) -> str:
        """What a failed pull means, in node A's words where the daemon's answer says which it is."""
        registry = self.settings.registry
        if re.search(r"unauthorized|authentication required|no basic auth credentials", detail, re.I):
            return f"registry {registry} refused credentials for user {self.settings.registry_user}"
        if re.search(r"manifest unknown|not found", detail, re.I):
            return f"registry {registry} lacks challenge image {reference}"
        return f"registry {registry}: pull of {reference} failed: {detail}"

    def run(self, pulled, instance_id: int, principal_id: int, slug: str):
        labels = {
            **self.settings.extra_labels,
            LABEL_CONTROLLER: self.controller,
            LABEL_INSTANCE: str(instance_id),
            LABEL_PRINCIPAL: str(principal_id),
            LABEL_CHALLENGE: slug,
        }
        if mutant.on("instance-labels-incomplete"):  # whose container this is can no longer be read off it
            del labels[LABEL_PRINCIPAL], labels[LABEL_CHALLENGE]
        # The challenge's own ports, published on the host's loopback only (a random port each).
        exposed = (pulled.attrs.get("Config") or {}).get("ExposedPorts") or {}
        name = f"arena-{self.controller[:8]}-{slug}-p{principal_id}-{secrets.token_hex(3)}"
        try:
            return self.client.containers.run(
                pulled.id, detach=True, name=name, labels=labels, mem_limit="64m", pids_limit=64,
                ports={port: ("127.0.0.1", None) for port in exposed},
            )
        except (APIError, DockerException) as exc:
            raise ContainerError(f"container for {slug} (principal {principal_id}) did not start: {explain(exc)}") from exc

    def get(self, container_id):
        """The container, or None when it is gone."""
        if not container_id:
            return None
        try:
            return self.client.containers.get(container_id)
        except NotFound:
            return None

    def remove(self, container_id) -> bool:
        container = self.get(container_id)
        if container is None:
            return False
        try:
            container.remove(force=True, v=True)
        except NotFound:
            return False
        return True

    def stop(self, container_id) -> None:
        container = self.get(container_id)
        if container is not None:
            container.stop(timeout=1)

    def owned(self) -> list:
        """Every container this deployment started, whatever its state (`docker ps -a -f label=...`)."""
        return self.client.containers.list(all=True, filters={"label": f"{LABEL_CONTROLLER}={self.controller}"}, ignore_removed=True)


def describe(container) -> dict:
    """A container as the JSON answers show it: id, name, state and where its ports are published."""
    if container is None:
        return None
    ports = (container.attrs.get("NetworkSettings") or {}).get("Ports") or {}
    return {
        "id": container.id,
        "name": container.name,
        "status": container.status,
        "ports": {p: [f"{b['HostIp']}:{b['HostPort']}" for b in (bound or [])] for p, bound in ports.items()},
    }
