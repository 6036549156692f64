"""The audit trail's hash chain: each event stores the SHA-256 of the previous event's hash and
its own canonical content, so that a changed, removed or inserted row breaks the chain from that
row on.

Our own code, kept small, rather than a library: what is hashed (the canonical JSON below) is part
of the evidence and must never change, and it is twenty lines. **Changing `canonical()` or
`event_hash()` breaks every stored chain**; the data migration audit/0003 imports them.
"""

import datetime
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

# The prev_hash of the first event.
GENESIS = "0" * 64
# The transaction-level advisory lock that serialises appends on PostgreSQL ("kipolicy audit").
ADVISORY_LOCK_KEY = 0x6B69_6175_6469_74  # any constant bigint would do
# The fields that make up an event's content, in the order verify_audit_chain reads them.
CONTENT_FIELDS = (
    "created_at",
    "actor_id",
    "actor_username",
    "actor_repr",
    "action",
    "content_type_id",
    "object_id",
    "object_repr",
    "before",
    "after",
    "note",
    "request_id",
)


def canonical(*, content_type: str, created_at: datetime.datetime, **fields) -> str:
    """The canonical JSON of an event: sorted keys, compact, not ASCII-escaped; the time in UTC."""
    content = {
        **fields,
        "content_type": content_type,
        "created_at": created_at.astimezone(datetime.UTC).isoformat(),
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256((prev_hash + content).encode()).hexdigest()


def row_hash(prev_hash: str, row: dict, content_type_label) -> str:
    """The hash of a row read as a dict of CONTENT_FIELDS (content_type_label: id -> "app.model")."""
    fields = {k: v for k, v in row.items() if k in CONTENT_FIELDS and k != "content_type_id"}
    return event_hash(prev_hash, canonical(content_type=content_type_label(row["content_type_id"]), **fields))


@dataclass(frozen=True)
class Break:
    """The first place where the chain does not hold. reason: "content" (the row no longer matches
    its hash: it was changed), "link" (its prev_hash is not the previous row's hash: a row before
    it was removed or inserted), "head" (the newest row a previous verification saw is gone or
    changed: rows were removed from the end)."""

    id: int
    created_at: datetime.datetime | None
    reason: str
    previous_id: int | None = None

    @property
    def key(self) -> str:
        """Names this break (for the e-mail's dedupe key): the same break is reported once."""
        return f"{self.id}:{self.reason}"


def verify(rows: Iterator[dict], content_type_label, known_head: tuple[int, str] | None = None):
    """Walk the rows (dicts of id, prev_hash, hash and CONTENT_FIELDS) in id order; returns
    (rows checked, the first Break or None). known_head: (id, hash) of the newest row an earlier run saw."""
    checked, previous_hash, previous_id = 0, GENESIS, None
    head_seen = known_head is None
    for row in rows:
        checked += 1
        if row["prev_hash"] != previous_hash:
            return checked, Break(row["id"], row["created_at"], "link", previous_id)
        if row_hash(row["prev_hash"], row, content_type_label) != row["hash"]:
            return checked, Break(row["id"], row["created_at"], "content", previous_id)
        if known_head and row["id"] == known_head[0]:
            if row["hash"] != known_head[1]:
                return checked, Break(row["id"], row["created_at"], "head", previous_id)
            head_seen = True
        previous_hash, previous_id = row["hash"], row["id"]
    if not head_seen:
        return checked, Break(known_head[0], None, "head", previous_id)
    return checked, None
