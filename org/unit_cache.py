"""What many pages work out from every unit, kept per process while the unit tree is unchanged
(issue 12, third pass): the unit filters' options (the inventory, the registers), the directory's
units. Reading ~200 units and writing ~200 ``<option>`` elements on every request was a tenth of
the inventory's CPU time.

The tree's version is a random token in the shared cache (settings.CACHES: files or Redis,
shared by the web processes); the services that change units (org.services: unit_create,
unit_update and moves, unit_close; the unit import goes through them) and the admin replace it
when their transaction commits, so every process sees the change on its next request. Each
process keeps the values it worked out with the version they were made for, and makes them
again when the version differs. A change made past the services (a database restored, SQL by
hand, a test's factory that does not say so) shows within MAX_AGE, when a value is made again
anyway.
"""

import time
import uuid
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "org:units-version"
MAX_AGE = 600  # seconds

T = TypeVar("T")
# name -> (version, key, made at (time.monotonic), value)
_kept: dict[str, tuple[str, Hashable, float, object]] = {}


def units_version() -> str:
    """The unit tree's current version (one read of the shared cache)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        # First use, or the cache was emptied: a new version, so that nothing kept before counts.
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    return version


def units_changed() -> None:
    """Call in the transaction that changed units: a new version at once, so that this
    transaction's own later reads see its changes, and another when it commits, since a request
    elsewhere may have made its values from the units as they were before the commit."""
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def for_units(name: str, make: Callable[[], T], key: Hashable = None) -> T:
    """``make()``, kept in this process under ``name`` while the unit tree's version and ``key``
    (what else the value depends on: the language, the units listed) stay the same."""
    version = units_version()
    kept = _kept.get(name)
    now = time.monotonic()
    if kept is not None and kept[0] == version and kept[1] == key and now - kept[2] < MAX_AGE:
        return kept[3]
    value = make()
    _kept[name] = (version, key, now, value)
    return value
