"""A real HTTP receiver on 127.0.0.1 for the webhook tests (http.server in a thread), written as a
KI system would write one: it checks X-KI-Signature with notifications.webhook_signing.
verify_signature, refuses a bad or stale signature with 401, and processes each X-KI-Delivery
once (a retry of a delivery it already processed is answered 200 and not processed again)."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from notifications.webhook_signing import DELIVERY_HEADER, SIGNATURE_HEADER, verify_signature


@dataclass
class Receiver:
    secret: str = ""
    # The answers to give, in order (then 200): [500, 200] fails the first request.
    statuses: list[int] = field(default_factory=list)
    tolerance: int = 300
    clock_offset: float = 0.0  # seconds added to the receiver's clock (to test a replay later)
    requests: list[dict] = field(default_factory=list)
    processed: dict[str, dict] = field(default_factory=dict)
    url: str = ""
    port: int = 0
    location: str = ""  # sent with a 3xx answer
    connections: int = 0
    delay: float = 0.0  # seconds before answering

    def handle(self, headers, body: bytes) -> int:
        signature = headers.get(SIGNATURE_HEADER, "")
        key = headers.get(DELIVERY_HEADER, "")
        verified = verify_signature(self.secret, signature, body, self.tolerance, now=time.time() + self.clock_offset)
        self.requests.append(
            {"signature": signature, "key": key, "body": body, "verified": verified, "host": headers.get("Host", "")}
        )
        if not verified:
            return 401
        status = self.statuses.pop(0) if self.statuses else 200
        if 200 <= status < 300 and key not in self.processed:
            self.processed[key] = json.loads(body)
        return status


def start(receiver: Receiver):
    """Serve `receiver` on 127.0.0.1 (a free port) in a thread; returns the server (shutdown())."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            time.sleep(receiver.delay)
            status = receiver.handle(self.headers, body)
            self.send_response(status)
            if 300 <= status < 400 and receiver.location:
                self.send_header("Location", receiver.location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):  # keep the test output quiet
            pass

    class Server(ThreadingHTTPServer):
        def process_request(self, request, client_address):
            receiver.connections += 1  # every connection, whether or not a request follows
            super().process_request(request, client_address)

    server = Server(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    receiver.url = f"http://127.0.0.1:{receiver.port}/hooks/ki"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
