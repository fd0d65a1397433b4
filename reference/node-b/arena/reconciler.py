"""The reconciler: Docker's view (containers by this deployment's label) against the instances table.

Labelled containers with no row (or not the row's current container, or not running) are removed; rows
whose container vanished are marked `vanished`, so the next spawn replaces it. Rows another process holds
locked are being changed right now: their containers are left alone this pass.
"""
from . import mutant
from .containers import LABEL_INSTANCE


def reconcile(ctx, boot: bool = False) -> dict:
    with ctx.conn, ctx.cursor() as cur:
        cur.execute("select id, container_id, state from instances for update skip locked")
        rows = {r["id"]: r for r in cur.fetchall()}
        containers = ctx.containers.owned()
        # Read after listing: a row is committed before its container exists, so every listed container of
        # a live instance has its row here; one missing from `rows` is held by a spawn, reset or destroy.
        cur.execute("select id from instances")
        busy = {r["id"] for r in cur.fetchall()} - set(rows)
        if boot and mutant.on("duplicate-instance-after-restart"):
            # The defect: a boot that trusts its (empty) memory: every instance "vanished", nothing checked.
            cur.execute("update instances set state = 'vanished', updated_at = now() where state = 'running'")
            return {"ok": True, "removed": [], "vanished": sorted(rows), "busy": sorted(busy)}
        removed, running = [], set()
        for container in containers:
            label = container.labels.get(LABEL_INSTANCE, "")
            instance_id = int(label) if label.isdigit() else None
            if instance_id in busy:
                continue
            row = rows.get(instance_id)
            if row is not None and row["container_id"] == container.id and container.status == "running":
                running.add(container.id)
                continue
            ctx.containers.remove(container.id)
            removed.append(container.name)
        vanished = [r["id"] for r in rows.values() if r["state"] == "running" and r["container_id"] not in running]
        if vanished:
            cur.execute("update instances set state = 'vanished', updated_at = now() where id = any(%s)", (vanished,))
    return {"ok": True, "removed": removed, "vanished": vanished, "busy": sorted(busy)}
