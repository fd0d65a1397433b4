"""The appearance presets: each one's palette (what a page's colours must be, machine-readable for the
acceptance specs) and the stylesheet made from it, so the two can never disagree. Every palette keeps text,
headings, muted text and links at WCAG AA (≥ 4.5:1) on both its background and its surface."""
from . import mutant
from .web import HttpError

DEFAULT = "light"

# Ordered as a chooser shows them. Keys of a palette become CSS custom properties (--arena-<kebab-key>).
PRESETS = {
    "light": {
        "label": "Light", "colorScheme": "light",
        "palette": {"background": "#ffffff", "surface": "#f4f6f8", "text": "#1f2328", "heading": "#0b1f3a", "muted": "#57606a",
                    "link": "#0a58ca", "accent": "#0a58ca", "accentText": "#ffffff", "border": "#8c959f"},
    },
    "dark": {
        "label": "Dark", "colorScheme": "dark",
        "palette": {"background": "#0d1117", "surface": "#161b22", "text": "#e6edf3", "heading": "#ffffff", "muted": "#9da7b3",
                    "link": "#58a6ff", "accent": "#58a6ff", "accentText": "#0d1117", "border": "#6e7681"},
    },
    "high-contrast": {
        "label": "High contrast", "colorScheme": "dark",
        "palette": {"background": "#000000", "surface": "#000000", "text": "#ffffff", "heading": "#ffff00", "muted": "#ffffff",
                    "link": "#00ffff", "accent": "#ffff00", "accentText": "#000000", "border": "#ffffff"},
    },
}

# The defect `appearance-unreadable-preset`: the dark preset's body text is a grey barely lighter than its
# background (1.5:1). Palette and stylesheet agree, as they would in a real release of a bad theme.
UNREADABLE = ("dark", "text", "#2d333b")


def _palette(preset_id: str) -> dict:
    palette = dict(PRESETS[preset_id]["palette"])
    preset, key, colour = UNREADABLE
    if mutant.on("appearance-unreadable-preset") and preset_id == preset:
        palette[key] = colour
    return palette


def ids() -> list:
    return list(PRESETS)


def known(preset_id) -> bool:
    return preset_id in PRESETS


def require(preset_id) -> str:
    """The preset id when known; 400 naming the valid ones otherwise."""
    if not known(preset_id):
        raise HttpError(400, f"unknown appearance preset {preset_id!r} (presets: {', '.join(ids())})", presets=ids())
    return preset_id


def stylesheet_path(preset_id: str) -> str:
    return f"/assets/appearance/{preset_id}.css"


def describe(preset_id: str) -> dict:
    return {"id": preset_id, "label": PRESETS[preset_id]["label"], "stylesheet": stylesheet_path(preset_id), "palette": _palette(preset_id)}


def catalogue() -> dict:
    """What GET /api/appearance/presets and `arena appearance presets` answer."""
    return {"default": DEFAULT, "presets": [describe(p) for p in ids()]}


def _css_name(key: str) -> str:
    return "--arena-" + "".join(f"-{c.lower()}" if c.isupper() else c for c in key)


def stylesheet(preset_id: str) -> str:
    """The preset's custom properties; the layout (site.css) uses only these for colour."""
    lines = [f"  {_css_name(key)}: {value};" for key, value in _palette(preset_id).items()]
    return f"/* arena appearance preset: {preset_id} */\n:root {{\n  color-scheme: {PRESETS[preset_id]['colorScheme']};\n" + "\n".join(lines) + "\n}\n"
