"""Signing webhook deliveries, and checking the signature: the one function a receiving KI
system needs (docs/webhooks.md). Standard library only, so it can be copied as it is.

Each POST carries

    X-KI-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the endpoint's secret>
    X-KI-Delivery: <idempotency key: the same on every retry of this delivery>

The receiver recomputes the HMAC over the timestamp and the raw body, compares in constant time,
and refuses a timestamp further than `tolerance` seconds from its own clock (a replayed request).
"""

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-KI-Signature"
DELIVERY_HEADER = "X-KI-Delivery"
EVENT_HEADER = "X-KI-Event"
DEFAULT_TOLERANCE = 300


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The X-KI-Signature value for a body sent at `timestamp` (now by default)."""
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def verify_signature(
    secret: str, header: str, body: bytes, tolerance: int = DEFAULT_TOLERANCE, now: float | None = None
) -> bool:
    """Whether `header` (X-KI-Signature) signs `body` (the raw bytes received) under `secret`, at a
    time no more than `tolerance` seconds from `now`. False for anything malformed."""
    try:
        parts = dict(item.split("=", 1) for item in (header or "").split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False  # too old (a replay) or from the future
    return hmac.compare_digest(_mac(secret, timestamp, body), given)
