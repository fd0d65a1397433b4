"""The JSON API's plumbing: a route table (method + path template → handler), the request a handler sees,
and HttpError for the answers that are not 2xx. Each feature module exports its ROUTES; api.py joins them."""
import json
import re
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

MAX_BODY = 64 * 1024


class HttpError(Exception):
    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra

    def body(self) -> dict:
        return {"error": self.message, **self.extra}


class Refusal(HttpError):
    """A refusal whose writes so far (its audit row) must stand: the transaction commits, then it is answered."""
    keep_writes = True


class Route:
    def __init__(self, method: str, template: str, handler):
        self.method, self.template, self.handler = method, template, handler
        # "/api/teams/{name}/join" → named groups; a parameter never spans a slash.
        self.pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$")


class Request:
    def __init__(self, handler, params: dict):
        self.method = handler.command
        url = urlsplit(handler.path)
        self.path, self.params = url.path, params
        self.query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        self.headers = handler.headers
        self.client = handler.client_address[0]
        self._body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0)) if self.method in ("POST", "PUT", "PATCH") else b""
        self._doc = None

    def json(self) -> dict:
        if self._doc is None:
            try:
                self._doc = json.loads(self._body) if self._body else {}
            except ValueError:
                raise HttpError(400, "the body is not JSON") from None
            if not isinstance(self._doc, dict):
                raise HttpError(400, "the body must be a JSON object")
        return self._doc

    def field(self, name: str, required: bool = True) -> str:
        value = self.json().get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value:
            raise HttpError(400, f"field {name!r} is required (a string)")
        return value

    def form(self) -> dict:
        """An HTML form's fields (application/x-www-form-urlencoded), the last value of each."""
        try:
            return {k: v[-1] for k, v in parse_qs(self._body.decode("utf-8"), keep_blank_values=True).items()}
        except UnicodeDecodeError:
            raise HttpError(400, "the form is not UTF-8") from None

    def cookie(self, name: str):
        jar = SimpleCookie(self.headers.get("Cookie") or "")
        return jar[name].value if name in jar else None

    def bearer(self):
        auth = self.headers.get("Authorization") or ""
        return auth[7:].strip() or None if auth.lower().startswith("bearer ") else None


def match(routes: list, method: str, path: str):
    """(route, params) for a known path and method; (None, allowed methods) otherwise."""
    allowed = []
    for route in routes:
        found = route.pattern.match(path)
        if found:
            if route.method == method:
                return route, found.groupdict()
            allowed.append(route.method)
    return None, allowed


def too_large(handler) -> bool:
    return int(handler.headers.get("Content-Length") or 0) > MAX_BODY
