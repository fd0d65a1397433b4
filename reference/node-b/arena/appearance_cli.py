"""`arena` verbs for appearance presets on node B (JSON with --json; exit 0 ok, 1 failed with `error`):
  appearance presets                   the presets with their palettes (what GET /api/appearance/presets answers)
  user appearance <email> <preset>     set a user's preset for them, as an operator (audited, actor `cli`)"""
from . import appearance, appearance_choice
from .cli_accounts import _db, _said
from .web import HttpError


def presets(_args) -> dict:
    return {"ok": True, **appearance.catalogue()}


def _user_by_email(cur, email: str) -> dict:
    cur.execute("select id, email, handle from users where email = %s", (email.strip().lower(),))
    row = cur.fetchone()
    if not row:
        raise HttpError(404, f"no user with email {email!r}")
    return {"id": row[0], "email": row[1], "handle": row[2]}


def user_appearance(args) -> dict:
    def work(cur):
        appearance.require(args.preset)  # the preset first: its error names the valid ones
        user = _user_by_email(cur, args.email)
        return {"user": user, **appearance_choice.choose(cur, user["id"], args.preset, "cli")}
    return _db(work, {"user": None, "appearance": None, "previous": None})


def register(groups, user_verbs) -> None:
    group = groups.add_parser("appearance").add_subparsers(dest="verb", required=True)
    group.add_parser("presets").set_defaults(run=_said(presets))
    verb = user_verbs.add_parser("appearance")
    verb.add_argument("email")
    verb.add_argument("preset")
    verb.set_defaults(run=_said(user_appearance))
