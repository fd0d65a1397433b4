"""The arena HTTP API (plain HTTP on 8080, TLS on 8443). Issue-by-issue it grows the runbook's surface."""
import json
import os
import signal
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import config, health, instance_http, instance_metrics, instance_worker, mutant

CFG = config.load()


class Handler(BaseHTTPRequestHandler):
    server_version = "arena"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # access log to stdout, one line per request
        print(f"{self.address_string()} {fmt % args}", flush=True)

    def reply(self, status: int, body: dict) -> None:
        if mutant.on("slow-api"):
            time.sleep(1.5)
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/healthz":
            if mutant.on("healthz-fails"):
                return self.reply(500, {"status": "failing", "reason": "worker pool exhausted"})
            return self.reply(200, {"status": "ok"})
        if self.path == "/readyz":
            state = health.readiness(CFG)
            return self.reply(200 if state["ready"] else 503, state)
        if self.path == "/metrics":
            return self.reply_text(200, instance_metrics.render(CFG))
        if instance_http.handles(self.path):
            return instance_http.dispatch(self, "GET")
        return self.reply(404, {"error": "not found", "path": self.path})

    def do_POST(self):
        if instance_http.handles(self.path):
            return instance_http.dispatch(self, "POST")
        self.close_connection = True  # its body is not read: it must not be taken for the next request
        return self.reply(404, {"error": "not found", "path": self.path})

    def reply_text(self, status: int, text: str) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


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
    restart_on_hangup()
    # Both sockets are bound: only now may anyone (the stack's wait strategy) treat the node as up.
    print(f"[node-b] ready (mutant: {mutant.ACTIVE or 'none'})", flush=True)
    plain.serve_forever()


if __name__ == "__main__":
    main()
