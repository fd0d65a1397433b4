"""Instance lifecycle: spawn, reset and destroy one challenge container per principal, with its lease.

A row in `instances` is the truth; its container is a sibling on the host's Docker daemon. Spawn is
idempotent through the row: the row is committed first (the unique (challenge, principal) key makes a
concurrent spawn meet the same one), then locked while its container is made, so a second spawn waits and
finds the container. Every verb answers one shape: ok, verb, challenge, principalId, created, instance, error.
"""
import time

import psycopg2.extras

from . import config, db, instance_config, instance_metrics, mutant
from .containers import ContainerError, Containers, describe


class InstanceError(Exception):
    """A refusal with the reason (unknown challenge, no such principal, no instance)."""


class Context:
    """One database connection and the Docker client, for one command or one request."""

    def __init__(self, settings=None):
        self.settings = settings or instance_config.load()
        self.conn = db.connect(config.load())
        with self.conn, self.conn.cursor() as cur:
            cur.execute("select id::text from instance_controller")
            self.controller = cur.fetchone()[0]
        self.containers = Containers(self.settings, self.controller)

    def cursor(self):
        return self.conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor)

    def close(self):
        self.conn.close()


def audit(cur, action: str, detail: dict) -> None:
    cur.execute("insert into audit_log (actor, action, detail) values ('arena-instances', %s, %s)",
                (action, psycopg2.extras.Json(detail)))


def challenge(cur, settings, slug: str) -> dict:
    """The challenge row; one in the deployment's catalogue is added on first use."""
    if slug in settings.challenges:
        cur.execute("insert into challenges (slug, image) values (%s, %s) on conflict (slug) do nothing",
                    (slug, f"challenges/{slug}:latest"))
    cur.execute("select id, slug, image from challenges where slug = %s", (slug,))
    row = cur.fetchone()
    if row is None:
        raise InstanceError(f"unknown challenge {slug!r} (catalogue: {', '.join(settings.challenges) or 'empty'})")
    return row


def principal(cur, principal_id: int) -> None:
    cur.execute("select 1 from principals where id = %s", (principal_id,))
    if cur.fetchone() is None:
        raise InstanceError(f"principal {principal_id} does not exist")


def locked_row(cur, challenge_id: int, principal_id: int):
    cur.execute(
        "select i.*, l.expires_at, l.ttl_seconds from instances i left join leases l on l.instance_id = i.id"
        " where i.challenge_id = %s and i.principal_id = %s for update of i",
        (challenge_id, principal_id),
    )
    return cur.fetchone()


def renew_lease(cur, instance_id: int, ttl: int) -> None:
    # lease-ttl-ignored: the requested TTL is recorded but the expiry is a day away whatever it says.
    seconds = 86400 if mutant.on("lease-ttl-ignored") else ttl
    cur.execute(
        "insert into leases (instance_id, expires_at, ttl_seconds) values (%s, now() + make_interval(secs => %s), %s)"
        " on conflict (instance_id) do update set expires_at = excluded.expires_at, ttl_seconds = excluded.ttl_seconds",
        (instance_id, seconds, ttl),
    )


def live_container(ctx, row):
    """The row's container when it runs; a dead leftover is removed so a fresh one replaces it."""
    if row["state"] == "vanished" and mutant.on("duplicate-instance-after-restart"):
        return None  # the defect: trusts a state a forgetful boot wrote, never looks at Docker
    container = ctx.containers.get(row["container_id"])
    if container is not None and container.status == "running":
        return container
    ctx.containers.remove(row["container_id"])
    return None


def start_container(ctx, cur, row, slug: str, image: str, principal_id: int, ttl: int):
    """Pull, run, record: the row points at the new container and its lease starts now."""
    started = time.monotonic()
    try:
        pulled = ctx.containers.pull(image)
        container = ctx.containers.run(pulled, row["id"], principal_id, slug)
    except ContainerError:
        if not mutant.on("registry-error-swallowed"):
            raise
        container = None  # the defect: reported as spawned, with nothing running
    cur.execute(
        "update instances set container_id = %s, container_name = %s, image = %s, state = 'running',"
        " updated_at = now() where id = %s",
        (container and container.id, container and container.name, ctx.containers.reference(image), row["id"]),
    )
    renew_lease(cur, row["id"], ttl)
    instance_metrics.observe_spawn(time.monotonic() - started)
    return container


def answer(verb: str, slug: str, principal_id: int, cur=None, instance_id=None, container=None, created=False, error=None) -> dict:
    instance = None
    if instance_id is not None:
        cur.execute(
            "select i.id, i.state, i.image, l.ttl_seconds, l.expires_at from instances i"
            " left join leases l on l.instance_id = i.id where i.id = %s", (instance_id,))
        row = cur.fetchone()
        if container is not None:
            container.reload()  # published ports are known once it runs
        instance = row and {
            "id": row["id"], "challenge": slug, "principalId": principal_id, "state": row["state"], "image": row["image"],
            "container": describe(container),
            "lease": {"ttlSeconds": row["ttl_seconds"], "expiresAt": row["expires_at"] and row["expires_at"].isoformat()},
        }
    return {"ok": error is None, "verb": verb, "challenge": slug, "principalId": principal_id,
            "created": created, "instance": instance, "error": error}


def spawn(ctx, slug: str, principal_id: int, ttl=None) -> dict:
    ttl = ttl or ctx.settings.ttl
    with ctx.conn, ctx.cursor() as cur:
        found = challenge(cur, ctx.settings, slug)
        principal(cur, principal_id)
        cur.execute("insert into instances (challenge_id, principal_id) values (%s, %s) on conflict do nothing",
                    (found["id"], principal_id))
    # Committed: a concurrent spawn now waits on this row's lock below instead of racing to a second one.
    with ctx.conn, ctx.cursor() as cur:
        row = locked_row(cur, found["id"], principal_id)
        if not mutant.on("spawn-not-idempotent"):
            current = live_container(ctx, row)
            if current is not None:
                return answer("spawn", slug, principal_id, cur, row["id"], current)
        try:
            container = start_container(ctx, cur, row, slug, found["image"], principal_id, ttl)
        except ContainerError:
            if row["container_id"] is None:
                cur.execute("delete from instances where id = %s", (row["id"],))
                ctx.conn.commit()
            raise
        audit(cur, "instance.spawn", {"instance": row["id"], "challenge": slug, "principal": principal_id})
        return answer("spawn", slug, principal_id, cur, row["id"], container, created=True)


def existing(ctx, cur, verb: str, slug: str, principal_id: int):
    found = challenge(cur, ctx.settings, slug)
    principal(cur, principal_id)
    row = locked_row(cur, found["id"], principal_id)
    if row is None and verb != "destroy":
        raise InstanceError(f"principal {principal_id} has no instance of {slug}")
    return found, row


def reset(ctx, slug: str, principal_id: int) -> dict:
    """A fresh container in place of the old one, and a fresh lease of the same TTL."""
    with ctx.conn, ctx.cursor() as cur:
        found, row = existing(ctx, cur, "reset", slug, principal_id)
        if not mutant.on("reset-leaves-old-container"):
            ctx.containers.remove(row["container_id"])
        container = start_container(ctx, cur, row, slug, found["image"], principal_id, row["ttl_seconds"] or ctx.settings.ttl)
        audit(cur, "instance.reset", {"instance": row["id"], "challenge": slug, "principal": principal_id})
        return answer("reset", slug, principal_id, cur, row["id"], container, created=True)


def remove_instance(ctx, cur, row, reason: str) -> None:
    if mutant.on("destroy-leaves-residue"):
        ctx.containers.stop(row["container_id"])  # the defect: stopped, never removed
    else:
        ctx.containers.remove(row["container_id"])
    cur.execute("delete from instances where id = %s", (row["id"],))
    audit(cur, f"instance.{reason}", {"instance": row["id"], "principal": row["principal_id"]})


def destroy(ctx, slug: str, principal_id: int) -> dict:
    """Idempotent: destroying what is not there answers ok with destroyed false."""
    with ctx.conn, ctx.cursor() as cur:
        _, row = existing(ctx, cur, "destroy", slug, principal_id)
        if row is not None:
            remove_instance(ctx, cur, row, "destroy")
        return {**answer("destroy", slug, principal_id), "destroyed": row is not None,
                "instance": row and {"id": row["id"], "containerId": row["container_id"]}}


def listing(ctx, principal_id=None) -> dict:
    with ctx.conn, ctx.cursor() as cur:
        cur.execute(
            "select i.id, c.slug, i.principal_id, i.state, i.container_id, i.image, l.ttl_seconds, l.expires_at"
            " from instances i join challenges c on c.id = i.challenge_id left join leases l on l.instance_id = i.id"
            " where %(p)s::bigint is null or i.principal_id = %(p)s order by i.id", {"p": principal_id})
        rows = [{"id": r["id"], "challenge": r["slug"], "principalId": r["principal_id"], "state": r["state"],
                 "containerId": r["container_id"], "image": r["image"],
                 "lease": {"ttlSeconds": r["ttl_seconds"], "expiresAt": r["expires_at"] and r["expires_at"].isoformat()}}
                for r in cur.fetchall()]
    return {"ok": True, "controller": ctx.controller, "instances": rows}
