"""The HTML pages (route table, joined in api.py): public — `/` and `/scoreboard` —, player — `/play`, which
needs a session (the `arena_session` cookie; `/login` sets it) — and admin — `/admin`, admins only (a player
gets 403, audited). Each page renders in the visitor's appearance preset (appearance_choice)."""
import json

from . import accounts, admin_api, app, appearance_choice, audit, instance_config, mutant, principals, teams
from .page_frame import Html, e, join, link, login_url, page, redirect, table
from .web import HttpError, Route


def _safe_next(value) -> str:
    """Only a path on this site (never `//host` or a URL): where a form sends the browser back to."""
    return value if isinstance(value, str) and value.startswith("/") and not value.startswith(("//", "/\\")) else "/play"


def html_errors(handler):
    """A page's refusals as pages: 401 → the sign-in form (back here afterwards), others in the visitor's preset."""
    def wrapped(req):
        try:
            return handler(req)
        except HttpError as exc:
            if exc.status == 401:
                return redirect(login_url(req.path))
            with app.transaction() as cur:
                user = app.optional_user(req, cur)
                preset = appearance_choice.for_page(cur, user, req.query, public=False)
            content = Html(f'<p class="alert" role="alert">{e(exc.message)}</p><p>{link("/", "Back to the start page")}</p>')
            return page("error", "Not allowed" if exc.status == 403 else "Something went wrong", content, preset, user, req.path, exc.status)
    return wrapped


# --- public ---------------------------------------------------------------------------------------------

@html_errors
def home(req):
    with app.transaction() as cur:
        user = app.optional_user(req, cur)
        preset = appearance_choice.for_page(cur, user, req.query, public=True)
    slugs = instance_config.load().challenges
    items = join(Html(f"<li><code>{e(s)}</code></li>") for s in slugs) or Html('<li class="muted">none configured</li>')
    content = Html(
        "<p>A small capture-the-flag platform: register, sign in, play alone or in a team of up to four, and spawn "
        "your own instance of each challenge, reached through the VPN.</p>"
        f"<h2>Challenges</h2><ul>{items}</ul>"
        f'<p>{link("/scoreboard", "See the scoreboard")} · {link("/play" if user else "/login", "Play" if user else "Sign in to play")}</p>'
    )
    return page("home", "Arena", content, preset, user, req.path)


def _standings(cur) -> list:
    """Every principal: teams with their active members, solo players; with their running instances."""
    cur.execute(
        "select coalesce(t.name, 'solo-' || u.handle), p.kind,"
        " case when p.kind = 'team' then (select count(*) from team_members m where m.team_id = t.id and m.active) else 1 end,"
        " (select count(*) from instances i where i.principal_id = p.id and i.state = 'running')"
        " from principals p left join teams t on t.principal_id = p.id left join users u on u.id = p.user_id"
        " where p.kind = 'team' or (u.id is not null and u.disabled_at is null) order by 1"
    )
    return cur.fetchall()


@html_errors
def scoreboard(req):
    with app.transaction() as cur:
        user = app.optional_user(req, cur)
        preset = appearance_choice.for_page(cur, user, req.query, public=True)
        rows = [(name, kind, members, running) for name, kind, members, running in _standings(cur)]
    content = Html('<p class="muted">Teams and solo players. Points arrive with flag submission.</p>'
                   + table("Standings", ["Name", "Kind", "Members", "Running instances"], rows))
    return page("scoreboard", "Scoreboard", content, preset, user, req.path)


# --- signing in and out ---------------------------------------------------------------------------------

def _login_form(next_path: str, error: str = None) -> Html:
    alert = Html(f'<p class="alert" role="alert">{e(error)}</p>') if error else Html("")
    return Html(
        f'{alert}<form method="post" action="/login" class="stack">'
        '<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>'
        '<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>'
        f'<input type="hidden" name="next" value="{e(next_path)}"><p><button type="submit">Sign in</button></p></form>'
    )


@html_errors
def login_form(req):
    with app.transaction() as cur:
        user = app.optional_user(req, cur)
        preset = appearance_choice.for_page(cur, user, req.query, public=True)
    return page("login", "Sign in", _login_form(_safe_next(req.query.get("next"))), preset, user, req.path)


@html_errors
def login_submit(req):
    form = req.form()
    target = _safe_next(form.get("next"))
    with app.transaction() as cur:
        user = accounts.authenticate(cur, form.get("email", ""), form.get("password", ""), req.client)
        preset = appearance_choice.of(cur, user["id"])["preset"] if user else appearance_choice.for_page(cur, None, req.query, True)
    if not user:
        return page("login", "Sign in", _login_form(target, "Wrong email or password, or the account is disabled."), preset, None, req.path, 401)
    return redirect(target, app.session_cookie(app.SESSIONS.create(user["id"]), app.SESSIONS.ttl))


@html_errors
def logout(req):
    with app.transaction() as cur:
        user = app.optional_user(req, cur)
        if user:
            app.SESSIONS.drop(app.token(req))
            audit.record(cur, "logout", f"user:{user['id']}", user["id"])
    return redirect("/", app.session_cookie("", 0))


@html_errors
def choose_appearance(req):
    form = req.form()
    with app.transaction() as cur:
        user = app.user(req, cur)
        appearance_choice.choose(cur, user["id"], form.get("preset"), f"user:{user['id']}")
    return redirect(_safe_next(form.get("next")))


# --- player ---------------------------------------------------------------------------------------------

def _own_instances(cur, principal_id: int) -> dict:
    cur.execute(
        "select c.slug, i.state, l.expires_at from instances i join challenges c on c.id = i.challenge_id"
        " left join leases l on l.instance_id = i.id where i.principal_id = %s", (principal_id,))
    return {slug: (state, expires) for slug, state, expires in cur.fetchall()}


@html_errors
def play(req):
    with app.transaction() as cur:
        user = app.user(req, cur)
        preset = appearance_choice.for_page(cur, user, req.query, public=False)
        principal = principals.current(cur, user["id"])
        team = teams.get(cur, principal["team"]) if principal and principal["team"] else None
        mine = _own_instances(cur, principal["id"]) if principal else {}
    if principal:
        who = f'You play as <strong>{e(team["name"] if team else "solo-" + user["handle"])}</strong> ({e(principal["kind"])}), instance subnet <code>{e(principal["subnet"])}</code>.'
    else:
        who = "You have no principal yet: <code>POST /api/me/principal</code> makes your personal one, or create or join a team."
    rows = []
    for slug in instance_config.load().challenges:
        state, expires = mine.get(slug, ("none", None))
        rows.append((Html(f"<code>{e(slug)}</code>"), state, expires.isoformat(timespec="seconds") if expires else "—"))
    # The defect `appearance-overflow-narrow`: the challenge table lost its scrolling box and keeps its wide
    # layout, so a 360 px screen scrolls the whole page sideways.
    overflow = mutant.on("appearance-overflow-narrow")
    content = Html(
        f"<p>{who}</p>"
        + (f'<p>Team members: {e(", ".join(team["members"]))} ({e(team["activeMembers"])} of {e(team["maxMembers"])}).</p>' if team else "")
        + "<h2>Challenges</h2>"
        + table("Your instances", ["Challenge", "Instance", "Lease expires"], rows, wide=overflow, scroll=not overflow)
    )
    return page("play", "Play", content, preset, user, req.path)


# --- admin ----------------------------------------------------------------------------------------------

@html_errors
def admin(req):
    with app.transaction() as cur:
        user = admin_api.require_admin(req, cur)
        preset = appearance_choice.for_page(cur, user, req.query, public=False)
        users = [(u["id"], u["email"], u["handle"], "yes" if u["isAdmin"] else "no", "yes" if u["disabled"] else "no",
                  appearance_choice.of(cur, u["id"])["preset"]) for u in accounts.list_all(cur)]
        team_rows = [(t["name"], ", ".join(t["members"]), f'{t["activeMembers"]} of {t["maxMembers"]}') for t in teams.list_all(cur)]
        entries = [(a["at"][:19], a["actor"], a["action"], a["userId"], Html(f"<code>{e(json.dumps(a['detail'], sort_keys=True))}</code>")) for a in audit.recent(cur, None, 25)]
    content = Html(
        table("Users", ["Id", "Email", "Handle", "Admin", "Disabled", "Appearance"], users, wide=True)
        + table("Teams", ["Team", "Members", "Active"], team_rows)
        + table("Audit log (latest 25)", ["At", "Actor", "Action", "User", "Detail"], entries, wide=True)
    )
    return page("admin", "Admin", content, preset, user, req.path)


ROUTES = [
    Route("GET", "/", home),
    Route("GET", "/scoreboard", scoreboard),
    Route("GET", "/login", login_form),
    Route("POST", "/login", login_submit),
    Route("POST", "/logout", logout),
    Route("GET", "/play", play),
    Route("POST", "/me/appearance", choose_appearance),
    Route("GET", "/admin", admin),
]
