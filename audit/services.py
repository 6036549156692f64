import datetime
import decimal
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from audit import chain
from audit.context import request_id
from audit.models import AuditEvent


def _plain(value):
    """A JSON-safe form of a field value, readable by an auditor."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        # 4.0 and 4 are the same number: compare (and show) them the same way.
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bytes | memoryview):
        return f"<{len(value)} bytes>"
    return str(value)


def _values(values: dict | None) -> dict:
    return {k: _plain(v) for k, v in (values or {}).items() if not isinstance(v, models.Manager)}


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict:
    """The named fields of obj as JSON-safe values (foreign keys as their text)."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values changed, as (before, after)."""
    changed = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def audit_record(
    *,
    actor,
    target: models.Model,
    action: str,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    actor_repr: str | None = None,
) -> AuditEvent:
    """Record one audit event. The only way the portal writes to the audit trail.

    Call it inside the transaction of the change it records, so that both land or neither does.
    Background jobs pass actor=None and actor_repr="system:<task>". Many-to-many managers are
    left out of before/after (they would read "auth.Group.None"): the admin records those
    changes by name after saving them (AuditedAdminMixin.save_related).
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Two writers must not chain onto the same last row: the lock is held until the
            # caller's transaction ends. SQLite serialises writers itself.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [chain.ADVISORY_LOCK_KEY])
        prev_hash = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or chain.GENESIS
        content_type = ContentType.objects.get_for_model(target)
        event = AuditEvent(
            created_at=timezone.now(),
            actor=actor,
            actor_username=actor.get_username() if actor else "",
            actor_repr=actor_repr or (f"{actor} ({actor.username})" if actor else "system"),
            action=action,
            content_type=content_type,
            object_id=str(target.pk),
            object_repr=str(target)[:300],
            before=_values(before),
            after=_values(after),
            note=note,
            request_id=request_id.get(),
            prev_hash=prev_hash,
        )
        content = {f: getattr(event, f) for f in chain.CONTENT_FIELDS}
        event.hash = chain.row_hash(prev_hash, content, lambda _id: f"{content_type.app_label}.{content_type.model}")
        event.save()
    return event


def audit_chain_verify(*, known_head: tuple[int, str] | None = None, chunk_size: int = 2000):
    """Recompute the whole chain, streaming in id order (constant memory). Returns (events checked,
    the first chain.Break or None, (id, hash) of the newest event or None)."""
    rows = AuditEvent.objects.order_by("id").values("id", "prev_hash", "hash", *chain.CONTENT_FIELDS)
    head: list = [None]

    def tracked():
        for row in rows.iterator(chunk_size=chunk_size):
            head[0] = (row["id"], row["hash"])
            yield row

    def label(content_type_id):
        content_type = ContentType.objects.get_for_id(content_type_id)
        return f"{content_type.app_label}.{content_type.model}"

    checked, broken = chain.verify(tracked(), label, known_head)
    return checked, broken, head[0]
