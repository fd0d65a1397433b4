"""PostgreSQL access and the migration ledger."""
import os
import pathlib

import psycopg2

from . import mutant

MIGRATIONS = pathlib.Path(__file__).parent / "migrations"


def connect(cfg: dict, timeout: int = 3):
    return psycopg2.connect(
        host=cfg["ARENA_DB_HOST"], port=int(cfg["ARENA_DB_PORT"]), dbname=cfg["ARENA_DB_NAME"],
        user=cfg["ARENA_DB_USER"], password=cfg["ARENA_DB_PASSWORD"], connect_timeout=timeout,
    )


def available() -> list:
    return sorted(p.stem for p in MIGRATIONS.glob("*.sql"))


def applied(conn) -> list:
    with conn.cursor() as cur:
        cur.execute("select to_regclass('public.schema_migrations')")
        if cur.fetchone()[0] is None:
            return []
        cur.execute("select version from schema_migrations order by version")
        return [row[0] for row in cur.fetchall()]


def bootstrap(conn, seed=None) -> dict:
    """Apply pending migrations, each in its own transaction, then seed(conn) (its dict joins the result); idempotent."""
    with conn.cursor() as cur:
        cur.execute("create table if not exists schema_migrations (version text primary key, applied_at timestamptz not null default now())")
    conn.commit()
    done = set(applied(conn))
    newly = []
    for version in available():
        if version in done:
            continue
        with conn.cursor() as cur:
            cur.execute((MIGRATIONS / f"{version}.sql").read_text(encoding="utf-8"))
            cur.execute("insert into schema_migrations (version) values (%s)", (version,))
        conn.commit()
        newly.append(version)
    seeded = seed(conn) if seed else {}
    if mutant.on("missing-table"):
        # The defect: the ledger says every migration ran, yet one table is gone.
        with conn.cursor() as cur:
            cur.execute("drop table if exists audit_log")
        conn.commit()
    return {"applied": newly, "current": applied(conn)[-1:] or [None], **seeded}


def tables(conn) -> list:
    with conn.cursor() as cur:
        cur.execute("select tablename from pg_tables where schemaname = 'public' order by tablename")
        return [row[0] for row in cur.fetchall()]
