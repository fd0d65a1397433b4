"""HTTP: the appearance presets (their palettes, machine-readable), a user's choice, and the stylesheets the
pages link: /assets/site.css (layout) and /assets/appearance/<preset>.css (the preset's colours)."""
import pathlib

from . import app, appearance, appearance_choice
from .web import HttpError, Route

SITE_CSS = (pathlib.Path(__file__).parent / "assets" / "site.css").read_text(encoding="utf-8")
CSS_HEADERS = {"Content-Type": "text/css; charset=utf-8", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}


def presets(_req):
    return 200, appearance.catalogue()


def choose(req):
    preset = req.field("preset")
    with app.transaction() as cur:
        user = app.user(req, cur)
        chosen = appearance_choice.choose(cur, user["id"], preset, f"user:{user['id']}")
    return 200, chosen


def preset_css(req):
    preset = req.params["preset"]
    if not appearance.known(preset):
        raise HttpError(404, f"no appearance preset {preset!r} (presets: {', '.join(appearance.ids())})")
    return 200, appearance.stylesheet(preset), CSS_HEADERS


def site_css(_req):
    return 200, SITE_CSS, CSS_HEADERS


ROUTES = [
    Route("GET", "/api/appearance/presets", presets),
    Route("PUT", "/api/me/appearance", choose),
    Route("GET", "/assets/site.css", site_css),
    Route("GET", "/assets/appearance/{preset}.css", preset_css),
]
