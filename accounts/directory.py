"""The public directory: which of KI's social media accounts are official (PRIV-3, SEND-1).

Anyone may read it, logged in or not, so everything here reads only what the account itself shows
publicly: its name, platform, handle and address, the unit that answers for it and whether it is
an official channel or a student-ambassador account. Owners, deputies, managers, e-mail
addresses, purposes, notes and findings never leave the database through this module: the
queries below select named columns (``values()``), not model instances.

Selectors:

- :func:`directory_accounts` -- the one queryset of directory-visible accounts (active, and
  official or student ambassador);
- :func:`directory_units` / :func:`directory_platforms` -- what the filters offer;
- :func:`directory_search` -- the searched and filtered accounts (to count), and
  :func:`directory_rows` -- their public rows in list order, for a page (``Paginator``) or a
  stream (``iterator()``); :func:`directory_entries` turns rows into :class:`DirectoryEntry`
  objects, and :func:`directory_list` does it all for the whole list at once;
- :func:`directory_check` -- "is this an official KI account?" for a pasted address or handle.

Each runs a fixed number of queries, whatever the number of accounts, and none reads every
account to answer: the filters' choices probe the accounts' unit and platform indexes once per unit
or platform, and a page of the list is read in the order of an index (name, then id).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts import urlparse
from accounts.choices import AccountStatus, Classification
from accounts.models import Platform, SocialAccount
from org import unit_cache
from org.models import Unit, ancestor_paths

__all__ = [
    "CHECK_MAX_LENGTH",
    "DIRECTORY_CLASSIFICATIONS",
    "SEARCH_MAX_LENGTH",
    "CheckAnswer",
    "CheckInputError",
    "DirectoryEntry",
    "directory_accounts",
    "directory_check",
    "directory_entries",
    "directory_list",
    "directory_platforms",
    "directory_rows",
    "directory_search",
    "directory_units",
]

# Both kinds are listed; a student-ambassador account is always shown as such (PRIV-3).
DIRECTORY_CLASSIFICATIONS = frozenset({Classification.OFFICIAL, Classification.STUDENT_AMBASSADOR})

SEARCH_MAX_LENGTH = 100
# Profile addresses are stored with at most 500 characters; a longer paste cannot match one.
CHECK_MAX_LENGTH = 500

# The only columns the directory reads from an account (and its platform): what the account
# shows publicly anyway. Adding a column here publishes it to the world.
_PUBLIC_COLUMNS = ("name", "handle", "url", "classification", "unit_id")
_PUBLIC_ANNOTATIONS = {"platform_slug": F("platform__slug"), "platform_name": F("platform__name")}
_UNIT_COLUMNS = ("id", "name", "name_en", "path", "depth")


def directory_accounts():
    """Every account the public directory shows: active, official or student ambassador.

    Drafts, requests, approved-but-not-live, decommissioning and decommissioned accounts are
    not here, so neither the list nor the check can reveal that they exist."""
    return SocialAccount.objects.filter(status=AccountStatus.ACTIVE, classification__in=DIRECTORY_CLASSIFICATIONS)


@dataclass(frozen=True)
class DirectoryEntry:
    """One account as the public sees it."""

    name: str
    handle: str
    url: str
    classification: str
    platform_slug: str
    platform_name: str
    unit: Unit
    # The unit's chain from the top of the tree down to the unit itself.
    unit_chain: tuple[Unit, ...]

    @property
    def is_official(self) -> bool:
        return self.classification == Classification.OFFICIAL

    @property
    def units_above(self) -> str:
        """The names of the units above the account's unit, top first, joined by " › " (the
        directory's second line in the unit column: one string, not a template loop per row)."""
        return " › ".join(unit.display_name for unit in self.unit_chain[:-1])

    @property
    def classification_label(self) -> str:
        return Classification(self.classification).label

    def as_json(self) -> dict:
        """The documented JSON shape of one account (docs/directory.md)."""
        return {
            "name": self.name,
            "platform": {"slug": self.platform_slug, "name": self.platform_name},
            "handle": self.handle,
            "url": self.url,
            "classification": self.classification,
            "official": self.is_official,
            "unit": {
                **_unit_json(self.unit),
                "hierarchy": [_unit_json(u) for u in self.unit_chain],
            },
        }


def _unit_json(unit: Unit) -> dict:
    return {"id": unit.pk, "name": unit.name, "name_en": unit.name_en}


def _units_by_path(paths) -> dict[str, Unit]:
    """The units with these paths and every unit above them: from the units kept while the tree
    is unchanged (_every_unit), or else in one query."""
    wanted = {ancestor for path in paths for ancestor in ancestor_paths(path)}
    if not wanted:
        return {}
    kept = _every_unit()
    if wanted <= kept.keys():
        return {path: kept[path] for path in wanted}
    return {u.path: u for u in Unit.objects.filter(path__in=wanted).only(*_UNIT_COLUMNS)}


def _every_unit() -> dict[str, Unit]:
    """Every unit by path, with the columns the directory shows, kept per process while the unit
    tree is unchanged (org.unit_cache): the unit filter and the rows' units above then read no
    unit (issue 12, third pass). Read-only: entries and forms share them."""
    return unit_cache.for_units(
        "directory-units", lambda: {u.path: u for u in Unit.objects.only(*_UNIT_COLUMNS).order_by()}
    )


def _chain(unit_path: str, units: dict[str, Unit]) -> tuple[Unit, ...]:
    return tuple(units[p] for p in ancestor_paths(unit_path) if p in units)


def _rows(accounts):
    """The public columns of these accounts (and of their platform), with the unit's path."""
    return accounts.values(*_PUBLIC_COLUMNS, unit_path=F("unit__path"), **_PUBLIC_ANNOTATIONS)


def directory_entries(rows, units: dict[str, Unit] | None = None) -> list[DirectoryEntry]:
    """Turn public rows (from :func:`directory_rows`) into entries. Unless ``units`` (by path)
    already holds their units, one query reads them and the units above them."""
    rows = list(rows)
    paths = {row["unit_path"] for row in rows}
    if units is None or not paths <= units.keys():
        units = _units_by_path(paths)
    chains = {path: _chain(path, units) for path in paths}  # once per unit, not per account
    return [
        DirectoryEntry(
            name=row["name"],
            handle=row["handle"],
            url=row["url"],
            classification=row["classification"],
            platform_slug=row["platform_slug"],
            platform_name=row["platform_name"],
            unit=units[row["unit_path"]],
            unit_chain=chains[row["unit_path"]],
        )
        for row in rows
    ]


def _entries(accounts, units: dict[str, Unit] | None = None) -> list[DirectoryEntry]:
    """Entries for a queryset of accounts: one query for the accounts and, unless ``units``
    holds them, one for their units and the units above."""
    return directory_entries(_rows(accounts), units)


def directory_units() -> list[Unit]:
    """The units the unit filter offers: those with directory accounts and every unit above
    them (filtering by a faculty finds its departments' accounts). One query (and one for the
    units unless they are kept, _every_unit); ordered as a tree, by path.

    The first asks, unit by unit, whether one directory account exists (an index probe each,
    accounts_unit_status), so its cost follows the number of units, not of accounts."""
    listed = Unit.objects.filter(Exists(directory_accounts().filter(unit=OuterRef("pk"))))
    paths = tuple(listed.values_list("path", flat=True).order_by("path"))
    # The tree above them is worked out once while the units listed and the tree stay the same.
    return unit_cache.for_units(
        "directory-listed-units",
        lambda: sorted(_units_by_path(set(paths)).values(), key=lambda u: u.path),
        key=paths,
    )


def directory_platforms() -> list[tuple[str, str]]:
    """(slug, name) of the platforms on which the directory has accounts, by name (one query, an
    index probe per platform)."""
    listed = Platform.objects.filter(Exists(directory_accounts().filter(platform=OuterRef("pk"))))
    return list(listed.order_by("name").values_list("slug", "name"))


def directory_search(*, q: str = "", unit: Unit | None = None, platform: str = ""):
    """The directory's accounts, searched and filtered: a queryset of accounts, for counting
    (``count()`` reads no other table). Read their public
    columns with :func:`directory_rows`.

    ``q`` matches the account's name, handle or address and the unit's Swedish or English name;
    ``unit`` keeps that unit and every unit below it; ``platform`` is a platform slug."""
    accounts = directory_accounts()
    q = q.strip()
    if q:
        # The units whose name matches are looked up first (one small query), so that the search
        # is an OR of indexed tests on the accounts' own columns (trigram indexes on name, handle
        # and address, the unit index): no join, no scan of every account (issue 12).
        units = Unit.objects.filter(Q(name__icontains=q) | Q(name_en__icontains=q)).values_list("pk", flat=True)
        matches = Q(name__icontains=q) | Q(handle__icontains=q) | Q(url__icontains=q)
        unit_ids = list(units)
        if unit_ids:
            matches |= Q(unit_id__in=unit_ids)
        accounts = accounts.filter(matches)
    if unit is not None:
        accounts = accounts.in_unit(unit)
    if platform:
        accounts = accounts.filter(platform__slug=platform)
    return accounts


def directory_rows(accounts):
    """The public rows (dicts, not models) of these accounts (from :func:`directory_search`),
    ordered by account name and id. Nothing is read until the queryset is: slice it for a page or
    stream it with ``iterator()``; turn rows into entries with :func:`directory_entries`.

    Why name and id: a page of the unfiltered directory is then the first rows of an index on
    (name, id) rather than a sort of every listed account (docs/directory.md, "Queries")."""
    return _rows(accounts.order_by("name", "pk"))


def directory_list(
    *, q: str = "", unit: Unit | None = None, platform: str = "", units: dict[str, Unit] | None = None
) -> list[DirectoryEntry]:
    """The whole directory, searched and filtered, as entries, read at once: for small lists and
    tests (pages and exports slice or stream :func:`directory_rows` instead). Pass the ``units``
    (by path) from :func:`directory_units` to save the unit query."""
    return directory_entries(directory_rows(directory_search(q=q, unit=unit, platform=platform)), units)


# ----------------------------------------------------------------------------------------------
# The check: "is this an official KI account?"
# ----------------------------------------------------------------------------------------------


class CheckInputError(ValueError):
    """The pasted text is neither a profile address nor a handle; ``message`` is user-facing."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


MSG_EMPTY = _("Paste the address of the account's profile page, or its handle (such as @karolinskainstitutet).")
MSG_TOO_LONG = _("This is too long to be a profile address or a handle.")
MSG_UNREADABLE = _(
    "This is neither a profile address nor a handle. Paste the address of the account's profile page "
    "(starting with https://) or its handle (such as @karolinskainstitutet)."
)

OFFICIAL = "official"
STUDENT_AMBASSADOR = "student_ambassador"
NOT_FOUND = "not_found"

# A handle typed on its own: "karolinskainstitutet", "@karolinskainstitutet", "ki.se" (Bluesky)
# or "@user@server.social" (Mastodon).
_BARE_HANDLE = re.compile(r"@?[A-Za-z0-9_][A-Za-z0-9._\-]{0,99}(?:@[A-Za-z0-9.\-]{1,200})?")


@dataclass(frozen=True)
class CheckAnswer:
    """What the directory says about a pasted address or handle.

    ``answer`` is ``official`` if any match is an official channel, ``student_ambassador`` if the
    matches are student-ambassador accounts only (PRIV-3), otherwise ``not_found``. A bare handle
    may match accounts on several platforms: ``entries`` holds them all."""

    query: str
    answer: str
    entries: list[DirectoryEntry]
    # The platform and normalised handle the address was read as; None for a bare handle.
    recognised: urlparse.Recognised | None = None

    @property
    def is_official(self) -> bool:
        return self.answer == OFFICIAL

    @property
    def is_student_ambassador(self) -> bool:
        return self.answer == STUDENT_AMBASSADOR

    @property
    def is_not_found(self) -> bool:
        return self.answer == NOT_FOUND


def _lookup(text: str) -> tuple[Q, urlparse.Recognised | None]:
    """Read the pasted text as a profile address (through accounts.urlparse, the same parser that
    derived the stored handles) or, failing that, as a bare handle. Returns the account filter.

    Raises CheckInputError with a user-facing message."""
    if not text:
        raise CheckInputError(MSG_EMPTY)
    if len(text) > CHECK_MAX_LENGTH:
        raise CheckInputError(MSG_TOO_LONG)
    if not text.startswith("@"):
        try:
            found = urlparse.recognise(text)
        except urlparse.UnrecognisedURL as exc:
            # Only text that is not on a known platform's site may still be a handle: "ki.se"
            # or "karolinskainstitutet", but not "instagram.com/p/abc" (a post).
            is_handle_shaped = any(exc.message is m for m in (urlparse.MSG_INVALID, urlparse.MSG_UNKNOWN))
            if not (is_handle_shaped and _BARE_HANDLE.fullmatch(text)):
                message = MSG_UNREADABLE if exc.message is urlparse.MSG_INVALID else exc.message
                raise CheckInputError(message) from None
        else:
            return Q(platform__slug=found.platform, handle__iexact=found.handle), found
    if not _BARE_HANDLE.fullmatch(text):
        raise CheckInputError(MSG_UNREADABLE)
    handle = text.removeprefix("@")
    # Stored handles are normalised per platform: "name" (Instagram, X, Facebook), "@name"
    # (TikTok, YouTube, Threads), "company/name" or "c/name" (LinkedIn, YouTube, Reddit).
    return Q(handle__iexact=handle) | Q(handle__iexact="@" + handle) | Q(handle__iendswith="/" + handle), None


def directory_check(text: str) -> CheckAnswer:
    """Answer "is this an official KI account?" for a pasted profile address or handle.

    Only directory-visible accounts can match: an account that exists but is not active gets
    the same "not found" as one that was never registered. Two queries when the text is valid,
    none otherwise. Raises CheckInputError for empty or unreadable input."""
    text = (text or "").strip()
    condition, recognised = _lookup(text)
    entries = _entries(directory_accounts().filter(condition).order_by("platform__name", "name", "pk"))
    if any(e.is_official for e in entries):
        answer = OFFICIAL
    elif entries:
        answer = STUDENT_AMBASSADOR
    else:
        answer = NOT_FOUND
    return CheckAnswer(query=text, answer=answer, entries=entries, recognised=recognised)
