"""Local HTTP servers that play the public sources (issue 17): the test suite's and the demo's
(`manage.py serve_watch_fixtures`). Each server answers from a table of routes, path (with query)
-> (status, headers, body); a body may be a callable writing to the handler itself (the hostile
cases: a 50 MB body, a server that never answers). Only ever bound to 127.0.0.1."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = tuple  # (status, headers: dict, body: bytes | str | callable(handler))


class _Handler(BaseHTTPRequestHandler):
    server_version = "fixture"

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.server.requests.append((self.path, dict(self.headers)))
        self.server.stamps.append(time.time())
        route = self.server.routes.get(self.path) or self.server.routes.get(self.path.split("?")[0])
        if route is None:
            status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
        else:
            status, headers, body = route
        if callable(body):
            body(self)
            return
        if isinstance(body, str):
            body = body.encode()
        etag = headers.get("ETag")
        if etag and self.headers.get("If-None-Match") == etag:
            status, body = 304, b""
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class FixtureServer:
    """A threaded server on 127.0.0.1 (port 0: a free one unless named)."""

    def __init__(self, routes=None, port=0):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.routes = dict(routes or {})
        self.httpd.requests = []
        self.httpd.stamps = []  # when each request came (bench/collect.py checks the rate)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def netloc(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def base(self) -> str:
        return f"http://{self.netloc}"

    @property
    def routes(self) -> dict:
        return self.httpd.routes

    @property
    def requests(self) -> list:
        return self.httpd.requests

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def endless_body(megabytes: int):
    """A body of `megabytes` MB, sent in 64 KB chunks, without a length."""

    def send(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.end_headers()
        chunk = b"<" * 65536
        try:
            for _ in range(megabytes * 16):
                handler.wfile.write(chunk)
        except OSError:  # the client stopped reading: what it should do
            pass

    return send


def never_answers(seconds: float = 30):
    """Accepts the connection and says nothing."""

    def send(handler):
        time.sleep(seconds)

    return send


def redirect(location: str):
    return (302, {"Location": location}, b"")
