"""Instance metrics in Prometheus text format: spawn latency (a histogram kept in Redis, since the CLI and
the API both spawn) and active instances (counted in the database at scrape time)."""
import redis

from . import config, db

BUCKETS = (0.25, 0.5, 1, 2, 5, 10, 30)
KEY = "arena:metrics:instance_spawn_seconds"


def _redis():
    return redis.Redis.from_url(config.load()["ARENA_REDIS_URL"], socket_timeout=1, socket_connect_timeout=1)


def observe_spawn(seconds: float) -> None:
    """Best effort: a metric must never fail a spawn."""
    try:
        pipe = _redis().pipeline()
        for bound in BUCKETS:
            if seconds <= bound:
                pipe.hincrby(KEY, f"le_{bound:g}", 1)
        pipe.hincrby(KEY, "count", 1).hincrbyfloat(KEY, "sum", seconds).execute()
    except redis.RedisError:
        pass


def active(cfg: dict):
    """Instances whose container runs, or None when the database does not answer (the gauge is left out)."""
    conn = None
    try:
        conn = db.connect(cfg, timeout=2)
        with conn, conn.cursor() as cur:
            cur.execute("select count(*) from instances where state = 'running'")
            return cur.fetchone()[0]
    except Exception:
        return None
    finally:
        if conn is not None:
            conn.close()


def render(cfg: dict) -> str:
    running = active(cfg)
    try:
        raw = {k.decode(): v.decode() for k, v in _redis().hgetall(KEY).items()}
    except redis.RedisError:
        raw = {}
    lines = ["# HELP arena_instances_active Instances whose container runs.", "# TYPE arena_instances_active gauge"]
    lines += [] if running is None else [f"arena_instances_active {running}"]
    lines += ["# HELP arena_instance_spawn_seconds Time to pull and start an instance container.",
             "# TYPE arena_instance_spawn_seconds histogram"]
    lines += [f'arena_instance_spawn_seconds_bucket{{le="{b:g}"}} {raw.get(f"le_{b:g}", 0)}' for b in BUCKETS]
    lines += [f'arena_instance_spawn_seconds_bucket{{le="+Inf"}} {raw.get("count", 0)}',
              f"arena_instance_spawn_seconds_sum {raw.get('sum', 0)}", f"arena_instance_spawn_seconds_count {raw.get('count', 0)}"]
    return "\n".join(lines) + "\n"
