"""`arena` verbs for accounts on node B (JSON with --json; exit 0 ok, 1 failed with `error`):
  user create <email> --handle H [--admin]   (the password on stdin, never on the command line)
  user list | user remove <email|handle> | team list | team remove <name> | audit list [--action A] [--limit N] | vpn state | api restart"""
import os
import signal
import sys
import time
import urllib.request

from . import accounts, audit, config, principals, removal, sessions, store, teams, vpn_state
from .web import HttpError

PID_FILE, BOOT_FILE = "/run/arena-api.pid", "/run/arena-api.boot"


def _db(work, empty: dict) -> dict:
    """Run work(cur) in one transaction. A failure answers the same keys (`empty`'s values), ok false and the error."""
    try:
        with store.transaction(config.load()) as cur:
            return {"ok": True, **work(cur)}
    except HttpError as exc:
        error = exc.message
    except KeyError as exc:  # config.load() found no such key: the env file is missing or incomplete
        error = f"database: {config.ENV_FILE} lacks {exc.args[0]}"
    except Exception as exc:  # psycopg2 errors: the database is down or refused us
        error = f"database: {str(exc).strip().splitlines()[0]}"
    return {"ok": False, **empty, "error": error}


def user_create(args) -> dict:
    password = sys.stdin.readline().rstrip("\n")
    return _db(lambda cur: {"user": accounts.create(cur, args.email, args.handle, password, "cli", is_admin=args.admin)}, {"user": None})


def user_list(_args) -> dict:
    return _db(lambda cur: {"users": [{**u, "principal": principals.current(cur, u["id"])} for u in accounts.list_all(cur)]}, {"users": []})


def team_list(_args) -> dict:
    return _db(lambda cur: {"teams": teams.list_all(cur)}, {"teams": []})


def audit_list(args) -> dict:
    return _db(lambda cur: {"entries": audit.recent(cur, args.action, args.limit)}, {"entries": []})


def vpn_state_show(_args) -> dict:
    return _db(lambda cur: {"state": vpn_state.document(cur)}, {"state": None})


def _read(path: str):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError:
        return None


def _api_pid():
    try:
        pid = int(_read(PID_FILE) or "")
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def _healthy() -> bool:
    try:
        with urllib.request.urlopen("http://127.0.0.1:8080/healthz", timeout=1) as response:
            return response.status == 200
    except Exception:
        return False


def api_restart(args) -> dict:
    """SIGHUP to the API: it starts again in place, a new interpreter (api.restart_on_hangup). Done when the new
    one has written its boot id and answers /healthz; nothing kept in the old one's memory survives."""
    pid, boot = _api_pid(), _read(BOOT_FILE)
    if pid is None:
        return {"ok": False, "pid": None, "downMs": None, "error": f"no running API process ({PID_FILE})"}
    started = time.monotonic()
    os.kill(pid, signal.SIGHUP)
    while time.monotonic() < started + args.timeout:
        if _read(BOOT_FILE) not in (None, boot) and _healthy():
            return {"ok": True, "pid": pid, "downMs": round((time.monotonic() - started) * 1000)}
        time.sleep(0.05)
    return {"ok": False, "pid": pid, "downMs": None, "error": f"the API did not answer /healthz within {args.timeout} s of its restart"}


def _said(run):
    """A failed verb also says what failed on stderr: `arena <group> <verb>: <error>`."""
    def wrapped(args) -> dict:
        result = run(args)
        if not result["ok"]:
            print(f"arena {args.group} {args.verb}: {result['error']}", file=sys.stderr)
        return result
    return wrapped


def user_remove(args) -> dict:
    def work(cur):
        found = accounts.by_login(cur, args.user)
        if found is None:
            raise HttpError(404, f"no user {args.user!r}")
        return {"removed": removal.remove_user(cur, found, "cli")}
    result = _db(work, {"removed": None})
    if result["ok"]:
        result["sessionsEnded"] = sessions.store(config.load()).drop_user(result["removed"]["id"])
    return result


def team_remove(args) -> dict:
    return _db(lambda cur: {"removed": removal.remove_team(cur, args.name, "cli")}, {"removed": None})


def register(groups) -> dict:
    """Adds the verbs; answers the verb groups other modules add to ({"user": …})."""
    user = groups.add_parser("user").add_subparsers(dest="verb", required=True)
    create = user.add_parser("create")
    create.add_argument("email")
    create.add_argument("--handle", required=True)
    create.add_argument("--admin", action="store_true")
    create.set_defaults(run=_said(user_create))
    user.add_parser("list").set_defaults(run=_said(user_list))
    remove = user.add_parser("remove")
    remove.add_argument("user", help="email or handle")
    remove.set_defaults(run=_said(user_remove))
    team = groups.add_parser("team").add_subparsers(dest="verb", required=True)
    team.add_parser("list").set_defaults(run=_said(team_list))
    team_rm = team.add_parser("remove")
    team_rm.add_argument("name")
    team_rm.set_defaults(run=_said(team_remove))
    log = groups.add_parser("audit").add_subparsers(dest="verb", required=True)
    listing = log.add_parser("list")
    listing.add_argument("--action")
    listing.add_argument("--limit", type=int, default=100)
    listing.set_defaults(run=_said(audit_list))
    vpn = groups.add_parser("vpn").add_subparsers(dest="verb", required=True)
    vpn.add_parser("state").set_defaults(run=_said(vpn_state_show))
    api = groups.add_parser("api").add_subparsers(dest="verb", required=True)
    restart = api.add_parser("restart")
    restart.add_argument("--timeout", type=float, default=20)
    restart.set_defaults(run=_said(api_restart))
    return {"user": user}
