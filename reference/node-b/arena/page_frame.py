"""Server-rendered HTML (no scripts, no outside assets): the frame every page shares — the active appearance
preset marked on <html data-appearance> and its stylesheet linked —, escaping, and tables that scroll
inside their own box so a narrow screen never scrolls sideways."""
from html import escape
from urllib.parse import quote

from . import appearance

# Only our own stylesheets and forms: an outside font, script or inline style would be refused (and show
# as a console error in the appearance suite's browser).
CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
HEADERS = {"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


class Html(str):
    """Markup that is already safe: e() leaves it as it is."""


def e(value) -> Html:
    return value if isinstance(value, Html) else Html(escape("" if value is None else str(value), quote=True))


def join(parts) -> Html:
    return Html("".join(e(p) for p in parts))


def link(href: str, text, current: bool = False) -> Html:
    return Html(f'<a href="{e(href)}"{" aria-current=page" if current else ""}>{e(text)}</a>')


def table(caption: str, headers: list, rows: list, wide: bool = False, scroll: bool = True) -> Html:
    """A table; `wide` keeps many columns readable (min-width), `scroll` wraps it in its own scrolling box."""
    head = join(Html(f'<th scope="col">{e(h)}</th>') for h in headers)
    body = join(Html("<tr>" + join(Html(f"<td>{e(c)}</td>") for c in row) + "</tr>") for row in rows)
    if not rows:
        body = Html(f'<tr><td colspan="{len(headers)}" class="muted">none yet</td></tr>')
    wide_class = ' class="wide"' if wide else ""
    markup = f'<table{wide_class}><caption>{e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    return Html(f'<div class="table-scroll">{markup}</div>' if scroll else markup)


def redirect(location: str, headers: dict = None) -> tuple:
    return 303, "", {**HEADERS, "Location": location, **(headers or {})}


def login_url(next_path: str) -> str:
    return f"/login?next={quote(next_path, safe='/')}"


def _nav(view: str, user) -> Html:
    items = [link("/", "Home", view == "home"), link("/scoreboard", "Scoreboard", view == "scoreboard"), link("/play", "Play", view == "play")]
    if user and user["isAdmin"]:
        items.append(link("/admin", "Admin", view == "admin"))
    if user:
        items.append(Html(f'<span class="muted">{e(user["handle"])}</span>'))
        items.append(Html('<form method="post" action="/logout"><button type="submit">Sign out</button></form>'))
    else:
        items.append(link("/login", "Sign in", view == "login"))
    lis = join(Html(f"<li>{i}</li>") for i in items)
    return Html(f'<nav aria-label="Main"><ul><li><a class="brand" href="/">arena</a></li>{lis}</ul></nav>')


def _chooser(preset: str, user, path: str) -> Html:
    """Signed in: a form that stores the choice; anonymous: preview links (public pages honour ?appearance=)."""
    if user:
        options = join(Html(f'<option value="{e(p)}"{" selected" if p == preset else ""}>{e(appearance.PRESETS[p]["label"])}</option>') for p in appearance.ids())
        return Html('<form method="post" action="/me/appearance" class="choices"><label for="appearance-preset">Appearance</label>'
                    f'<select id="appearance-preset" name="preset">{options}</select><input type="hidden" name="next" value="{e(path)}">'
                    '<button type="submit">Apply</button></form>')
    links = join(Html(f"<li>{link(f'{path}?appearance={p}', appearance.PRESETS[p]['label'], p == preset)}</li>") for p in appearance.ids())
    return Html(f'<ul class="choices" aria-label="Appearance"><li class="muted">Appearance:</li>{links}</ul>')


def page(view: str, title: str, content: Html, preset: str, user, path: str, status: int = 200, headers: dict = None) -> tuple:
    """(status, html, headers) for a route table."""
    document = f"""<!doctype html>
<html lang="en" data-appearance="{e(preset)}" data-page="{e(view)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} · arena</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/site.css">
<link rel="stylesheet" href="{e(appearance.stylesheet_path(preset))}" data-appearance-stylesheet>
</head>
<body>
<header class="site"><div class="wrap">{_nav(view, user)}</div></header>
<main class="wrap">
<h1>{e(title)}</h1>
{content}
</main>
<footer class="site"><div class="wrap">{_chooser(preset, user, path)}</div></footer>
</body>
</html>
"""
    return status, document, {**HEADERS, **(headers or {})}
