"""The API process's background loops for instances: the lease reaper and the reconciler (at start, then
on an interval). Each loop keeps its own connection and survives a failed pass (database or Docker away)."""
import threading
import time

from . import instance_config, instances, mutant, reaper, reconciler


def loop(name: str, interval: float, step, first_step=None) -> None:
    ctx, last_error = None, None
    first = True
    while True:
        try:
            ctx = ctx or instances.Context()
            at_start = first and first_step is not None
            result = (first_step if at_start else step)(ctx)
            first, last_error = False, None
            if result:
                print(f"[instances] {name}{' at start' if at_start else ''}: {result}", flush=True)
        except Exception as exc:  # the next pass retries; say so once, not every pass
            message = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
            if message != last_error:
                print(f"[instances] {name} failed (retrying every {interval:g}s): {message}", flush=True)
            last_error = message
            if ctx is not None:
                ctx.close()
            ctx = None
        time.sleep(interval)


def start() -> None:
    settings = instance_config.load()

    def reconcile(ctx):
        result = reconciler.reconcile(ctx)
        return result if result["removed"] or result["vanished"] else None

    def reconcile_boot(ctx):
        return reconciler.reconcile(ctx, boot=True)

    if not mutant.on("reaper-off"):
        threading.Thread(target=loop, args=("reaper", settings.reaper_interval, lambda ctx: reaper.reap(ctx) or None),
                         daemon=True, name="reaper").start()
    # reconciler-boot-only: the pass at start happens; the interval's passes never do.
    periodic = (lambda ctx: None) if mutant.on("reconciler-boot-only") else reconcile
    threading.Thread(target=loop, args=("reconciler", settings.reconcile_interval, periodic, reconcile_boot),
                     daemon=True, name="reconciler").start()
