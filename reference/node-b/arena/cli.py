"""`arena` CLI: deterministic, automation-friendly, JSON with --json. Exit 0 ok, 1 check failed, 2 usage."""
import argparse
import json
import sys
import urllib.request

from . import appearance_cli, bootstrap_accounts, cli_accounts, config, db, health, instance_cli, mail_cli, mail_outbox


def emit(result: dict, as_json: bool) -> int:
    ok = bool(result.get("ok"))
    if as_json:
        print(json.dumps(result, sort_keys=True))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0 if ok else 1


def env_validate(args) -> dict:
    return config.validate(args.role, config.load())


def db_bootstrap(_args) -> dict:
    cfg = config.load()
    try:
        conn = db.connect(cfg)
    except Exception as exc:
        return {"ok": False, "error": f"database unreachable: {str(exc).strip().splitlines()[0]}"}
    try:
        result = db.bootstrap(conn, seed=lambda c: {**bootstrap_accounts.after_migrations(c, cfg), **mail_outbox.after_migrations(c)})
        return {"ok": True, **result, "tables": db.tables(conn)}
    finally:
        conn.close()


def http_status(url: str) -> dict:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return {"ok": response.status == 200, "detail": response.status}
    except urllib.error.HTTPError as exc:
        return {"ok": False, "detail": exc.code}
    except Exception as exc:
        return {"ok": False, "detail": str(exc)}


def health_all(_args) -> dict:
    cfg = config.load()
    checks = {
        "database": health.check_database(cfg),
        "redis": health.check_redis(cfg),
        "healthz": http_status("http://127.0.0.1:8080/healthz"),
        "readyz": http_status("http://127.0.0.1:8080/readyz"),
    }
    return {"ok": all(c["ok"] for c in checks.values()), "checks": checks}


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="arena")
    groups = root.add_subparsers(dest="group", required=True)
    env = groups.add_parser("env").add_subparsers(dest="verb", required=True)
    validate = env.add_parser("validate")
    validate.add_argument("role")
    validate.set_defaults(run=env_validate)
    dbp = groups.add_parser("db").add_subparsers(dest="verb", required=True)
    dbp.add_parser("bootstrap").set_defaults(run=db_bootstrap)
    hp = groups.add_parser("health").add_subparsers(dest="verb", required=True)
    hp.add_parser("all").set_defaults(run=health_all)
    instance_cli.register(groups)
    verb_groups = cli_accounts.register(groups)
    appearance_cli.register(groups, verb_groups["user"])
    mail_cli.register(groups)
    return root


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # --json may stand anywhere, as in the runbook (`env validate role-b --json`).
    as_json = "--json" in argv
    argv = [a for a in argv if a != "--json"]
    args = parser().parse_args(argv)
    return emit(args.run(args), as_json)


if __name__ == "__main__":
    sys.exit(main())
