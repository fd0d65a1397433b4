"""The lease reaper: removes every instance whose lease has run out (container and row)."""
from . import instances


def reap(ctx) -> list:
    """One pass. Rows another process holds (a spawn, reset or destroy in progress) wait for the next."""
    with ctx.conn, ctx.cursor() as cur:
        cur.execute(
            "select i.* from instances i join leases l on l.instance_id = i.id where l.expires_at <= now()"
            " order by l.expires_at for update of i skip locked")
        expired = cur.fetchall()
        for row in expired:
            instances.remove_instance(ctx, cur, row, "expire")
    return [row["id"] for row in expired]
