"""Local HTTP servers for the capture tests: a KI profile page, a login wall, a consent wall, and a
second server whose port is not trusted (it counts the requests it receives: none may arrive)."""

import http.server
import io
import threading

from PIL import Image


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), (0, 61, 130)).save(out, "PNG")
    return out.getvalue()


PROFILE = """<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>KI på Instagram</title></head>
<body style="margin:0;font-family:sans-serif"><h1>Karolinska Institutet</h1><img src="/logo.png" alt="KI">
<p>Officiellt konto för Karolinska Institutet · ki.se</p>
<img src="http://10.0.0.1/tracker.gif" alt=""><img src="http://127.0.0.1:{untrusted}/secret.png" alt="">
<div style="height:1500px">Inlägg</div></body></html>"""
LOGIN = """<!doctype html><html><head><title>Log in</title></head><body><form action="/session" method="post">
<label>Username <input name="u"></label><label>Password <input type="password" name="p"></label>
<button>Log in</button></form></body></html>"""
# Reached through two redirects; its images through redirects too, one of them to the cloud
# metadata address.
MOVED = """<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>KI</title></head>
<body style="margin:0"><h1>Karolinska Institutet</h1><p>ki.se</p><img src="logo-moved" alt="KI">
<img src="/logo-metadata" alt=""><div style="height:1200px"></div></body></html>"""
CONSENT = """<!doctype html><html><head><title>Profile</title></head><body><h1>Profile</h1>
<div id="onetrust-banner-sdk" style="position:fixed;inset:0;background:#fff">We use cookies
<button>Accept all</button></div></body></html>"""


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}
    hits: list

    def do_GET(self):  # noqa: N802 - the standard library's name
        self.hits.append(self.path)
        answer = self.routes.get(self.path.split("?")[0])
        if answer is None:
            self.send_response(404)
            self.end_headers()
            return
        status, headers, body = answer
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server:
    def __init__(self, routes: dict):
        handler = type("Handler", (_Handler,), {"routes": routes, "hits": []})
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.hits = handler.hits
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"http://{self.address}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def profile_servers():
    """(site, untrusted): the site serves the pages; the untrusted server must never be asked."""
    untrusted = Server({"/secret.png": (200, {"Content-Type": "image/png"}, _png())})
    html = {"Content-Type": "text/html; charset=utf-8"}
    site = Server(
        {
            "/kiprofile": (200, html, PROFILE.format(untrusted=untrusted.port).encode()),
            "/logo.png": (200, {"Content-Type": "image/png"}, _png()),
            "/walled": (302, {"Location": "/accounts/login/?next=/walled"}, b""),
            "/accounts/login/": (200, html, LOGIN.encode()),
            "/consented": (200, html, CONSENT.encode()),
            "/to-internal": (302, {"Location": "http://10.0.0.1/admin"}, b""),
            "/to-loopback": (302, {"Location": "http://127.0.0.1:1/"}, b""),
            "/to-metadata": (301, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
            "/hop1": (302, {"Location": "/hop2"}, b""),
            "/hop2": (301, {"Location": "moved/profile"}, b""),
            "/moved/profile": (200, html, MOVED.encode()),
            "/moved/logo-moved": (302, {"Location": "/logo.png"}, b""),
            "/logo-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
            "/gone": (404, html, b"<!doctype html><title>Not found</title><h1>Not found</h1>"),
        }
    )
    return site, untrusted
