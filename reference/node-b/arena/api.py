"""The arena HTTP API (plain HTTP on 8080, TLS on 8443). Issue-by-issue it grows the runbook's surface."""
import json
import os
import secrets
import signal
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import psycopg2
import redis

from . import accounts_api, admin_api, config, health, instance_http, instance_metrics, instance_worker, metrics, mutant, teams_api, vpn_api, web
from . import appearance_api, pages  # the appearance presets and the HTML pages
from . import mail_api, mail_delivery, mail_metrics  # noqa: F401 (mail_metrics registers its gauges)

CFG = config.load()
PID_FILE = "/run/arena-api.pid"
BOOT_FILE = "/run/arena-api.boot"

# The JSON API: each feature module brings its routes (one line each, so features merge cleanly).
ROUTES = [
    *accounts_api.ROUTES,
    *teams_api.ROUTES,
    *admin_api.ROUTES,
    *vpn_api.ROUTES,
    *appearance_api.ROUTES,
    *pages.ROUTES,  # HTML, not JSON: a route's headers may name another Content-Type
    *mail_api.ROUTES,
]

REQUESTS = metrics.REGISTRY.counter("arena_http_requests_total", "HTTP requests answered, by method, route and status.", ("method", "route", "status"))
LATENCY = metrics.REGISTRY.histogram("arena_http_request_duration_seconds", "Time to answer an HTTP request, by route.", ("route",))


class Handler(BaseHTTPRequestHandler):
    server_version = "arena"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # access log to stdout, one line per request
        print(f"{self.address_string()} {fmt % args}", flush=True)

    def reply(self, status: int, body, headers: dict = None, content_type: str = "application/json") -> None:
        if mutant.on("slow-api"):
            time.sleep(1.5)
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:  # say so, or a keep-alive client sends its next request into a closing socket
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        # Known routes by their template, anything else as one label: the series stay few.
        route = getattr(self, "route", "unmatched")
        REQUESTS.inc(method=self.command, route=route, status=str(status))
        LATENCY.observe(time.monotonic() - self.started, route=route)

    def do_GET(self):
        self.started = time.monotonic()
        path = urlsplit(self.path).path
        if path in ("/healthz", "/readyz", "/metrics"):
            self.route = path
        if path == "/healthz":
            if mutant.on("healthz-fails"):
                return self.reply(500, {"status": "failing", "reason": "worker pool exhausted"})
            return self.reply(200, {"status": "ok"})
        if path == "/readyz":
            state = health.readiness(CFG)
            return self.reply(200 if state["ready"] else 503, state)
        if path == "/metrics":
            # The registry's metrics (requests, audit events, VPN peers), then the instances' own (kept in Redis and the database).
            text = metrics.REGISTRY.render() + instance_metrics.render(CFG)
            return self.reply(200, text, content_type="text/plain; version=0.0.4; charset=utf-8")
        return self.dispatch()

    def do_POST(self):
        self.started = time.monotonic()
        self.dispatch()

    do_PUT = do_DELETE = do_POST

    def dispatch(self) -> None:
        path = urlsplit(self.path).path
        self.route = "unmatched"  # one connection carries many requests: forget the last one's route
        if instance_http.handles(self.path):
            self.route = instance_http.template(path)
            return instance_http.dispatch(self, self.command)
        route, found = web.match(ROUTES, self.command, path)
        if route is None:
            self.close_connection = True  # its body is not read: it must not be taken for the next request
            if found:
                return self.reply(405, {"error": f"{self.command} not allowed on {path}", "allowed": found}, {"Allow": ", ".join(found)})
            return self.reply(404, {"error": "not found", "path": path})
        self.route = route.template
        if web.too_large(self):
            self.close_connection = True
            return self.reply(413, {"error": f"the body exceeds {web.MAX_BODY} bytes"})
        try:
            status, body, *headers = route.handler(web.Request(self, found))
            extra = dict(headers[0]) if headers else {}
            return self.reply(status, body, extra, extra.pop("Content-Type", "application/json"))
        except web.HttpError as exc:
            return self.reply(exc.status, exc.body())
        except psycopg2.OperationalError:
            return self.reply(503, {"error": "database unavailable"})
        except redis.exceptions.ConnectionError:
            return self.reply(503, {"error": "session store unavailable"})
        except Exception as exc:  # a bug: answered, logged, never silent
            print(f"error on {self.command} {path}: {exc!r}", flush=True)
            return self.reply(500, {"error": "internal error"})


def restart_on_hangup() -> None:
    """SIGHUP restarts the API in place (a new interpreter, nothing kept in memory; PID 1 stays, so the node does)."""
    signal.signal(signal.SIGHUP, lambda *_: os.execv(sys.executable, [sys.executable, "-m", "arena.api"]))


def tls_server(port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain("/etc/arena/tls.crt", "/etc/arena/tls.key")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    return server


def main() -> None:
    plain = ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("ARENA_HTTP_PORT", "8080"))), Handler)
    secure = tls_server(int(os.environ.get("ARENA_TLS_PORT", "8443")))
    threading.Thread(target=secure.serve_forever, daemon=True).start()
    instance_worker.start()
    mail_delivery.start()
    restart_on_hangup()
    # `arena api restart` finds the process here, and knows a new interpreter by a new boot id.
    for path, value in ((PID_FILE, str(os.getpid())), (BOOT_FILE, secrets.token_hex(8))):
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(value)
    # Both sockets are bound: only now may anyone (the stack's wait strategy) treat the node as up.
    print(f"[node-b] ready (mutant: {mutant.ACTIVE or 'none'})", flush=True)
    plain.serve_forever()


if __name__ == "__main__":
    main()
