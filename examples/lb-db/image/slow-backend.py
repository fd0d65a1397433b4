# Fault backend-slow: stands in for one nginx backend and answers like it (its own name), one second late.
import http.server
import sys
import time

name, port = sys.argv[1], int(sys.argv[2])


class Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(1)
        body = f"{name}\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("", port), Slow).serve_forever()
