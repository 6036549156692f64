"""Search across everything the user may see (issue 14): one box in the header, one results page
(/search/, core.views_search) grouped by kind. core knows no domain: each app registers the kinds
it owns in its AppConfig.ready() (accounts: accounts; org: units and people; records: questions,
removed posts, blocks and records requests), as the other hooks of core.hooks do.

A kind's `find(user, words)` returns a queryset already scoped to the user by the app's own
selectors (permissions in the query, never after), with a total order for paging, or None when
the user may not search that kind at all (the People pages' people, the records requests).

`text_search` is the one match every kind uses:
- PostgreSQL: full-text search of the "text" columns with the Swedish and the English
  configurations, OR'ed, each word a prefix ("forskn" finds "forskningen"); served by the GIN
  expression indexes of the apps' `*_search_indexes` migrations, which index exactly the
  expression SearchVector writes, to_tsvector('<config>'::regconfig, COALESCE(a, '') || ' ' || …).
  "Fragment" columns (handles, addresses, visitors' names) match anywhere by icontains, served by
  trigram indexes.
- SQLite (the zero-setup run): every column by icontains, which finds the same rows on the test
  data.
Every word must match (AND), at most five words are used, and fewer than two characters find
nothing.

**Reading a page of matches, not all of them** (issue 12): a word such as "bench42" matches a
hundred times more accounts at 100 000 than at 1 000, and ordering every match (by name) before
taking a page, or counting them, grew with the inventory; worse, PostgreSQL would walk a whole list
in its order (the name index), testing each row's words, expecting matches early. `first_matches`
reads the primary keys of at most `limit` matches, those matching the query exactly (a kind's
`exact`: a handle, a name, a number as typed) first, by the search's own indexes, and stops there;
`best_first` then orders only those (exact matches first, then the kind's order). A search says
"more than N" past `limit` (add a word to narrow it) instead of counting.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, Q, Value, When

MAX_WORDS = 5
MIN_LENGTH = 2
CONFIGS = ("swedish", "english")
# The stop words of both configurations (PostgreSQL's swedish.stop and english.stop): their tsquery
# is empty in each, so a text match on them is never true; such a word narrows nothing, as on SQLite,
# where "kritik i antagningen" finds the question by icontains.
STOP_WORDS_OF_EVERY_CONFIG = frozenset({"i", "under"})


def search_words(query: str) -> list[str]:
    """The words searched for: none for a query shorter than two characters, else the first five."""
    query = (query or "").strip()
    if len(query) < MIN_LENGTH:
        return []
    return query.split()[:MAX_WORDS]


def _prefix_term(word: str) -> str:
    """The word as a tsquery prefix term ('forskn':*), only its letters and digits (so no input
    can break the tsquery syntax); "" when nothing is left."""
    term = re.sub(r"\W", "", word)
    return f"'{term}':*" if term else ""


def _any_icontains(fields, word) -> Q:
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": word})
    return condition


def text_search(queryset, words, *, text=(), fragments=(), also: Callable | None = None):
    """The rows of `queryset` matching every word: in the `text` columns by full-text search
    (PostgreSQL) or icontains (elsewhere), in the `fragment` columns by icontains; `also(word)`
    may add a condition of the caller's own (an account's number)."""
    if not words:
        return queryset.none()
    postgres = connections[queryset.db].vendor == "postgresql"
    if postgres and text:
        words = [word for word in words if re.sub(r"\W", "", word).lower() not in STOP_WORDS_OF_EVERY_CONFIG]
        if not words:
            return queryset.none()  # nothing but stop words: nothing to search for
        queryset = queryset.alias(**{f"_search_{config}": SearchVector(*text, config=config) for config in CONFIGS})
    for word in words:
        condition = _any_icontains(fragments if postgres else (*text, *fragments), word)
        term = _prefix_term(word)
        if postgres and text and term:
            for config in CONFIGS:
                condition |= Q(**{f"_search_{config}": SearchQuery(term, config=config, search_type="raw")})
        if also is not None:
            condition |= also(word)
        if not condition:
            return queryset.none()
        queryset = queryset.filter(condition)
    return queryset


def first_matches(queryset, limit: int, *, exact: Q | None = None) -> list:
    """The primary keys of at most `limit` rows of `queryset` (a search's matches; its order is
    ignored): up to `limit` rows matching `exact` first, then the others, without repeats, in one
    query. On PostgreSQL each part is a MATERIALIZED common table expression, which is planned
    for all its rows (so by the search's indexes: a bitmap of the matches, never a walk of the
    table in an index's order testing every row's words) and read only as far as its LIMIT."""
    matches = queryset.order_by().values("pk")
    parts = ([matches.filter(exact)] if exact is not None else []) + [matches]
    if connections[queryset.db].vendor != "postgresql":
        ids = [pk for part in parts for pk in part.values_list("pk", flat=True)[:limit]]
    else:
        sqls, params = [], []
        for part in parts:
            try:
                sql, part_params = part.query.get_compiler(using=queryset.db).as_sql()
            except EmptyResultSet:  # a search that can match nothing (queryset.none())
                continue
            sqls.append(sql)
            params.extend(part_params)
        if not sqls:
            return []
        ctes = ", ".join(f"search_{i} AS MATERIALIZED ({sql})" for i, sql in enumerate(sqls))
        reads = " UNION ALL ".join(f"(SELECT * FROM search_{i} LIMIT %s)" for i in range(len(sqls)))
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(f"WITH {ctes} {reads}", [*params, *[limit] * len(sqls)])
            ids = [row[0] for row in cursor.fetchall()]
    return list(dict.fromkeys(ids))[:limit]


def best_first(queryset, ids, *, exact: Q | None = None):
    """The rows of `queryset` whose primary keys are `ids` (from first_matches), those matching
    `exact` first, then in the queryset's own order."""
    rows = queryset.filter(pk__in=ids)
    if exact is None:
        return rows
    return rows.order_by(Case(When(exact, then=Value(0)), default=Value(1)), *queryset.query.order_by)


@dataclass(frozen=True)
class SearchKind:
    """One group of the results page: `key` names it in the URL (?kind=), `title` heads it,
    `find(user, words)` gives the user's matching rows or None, `template` renders one row (the
    row is `item` in its context) and `order` places the group on the page. `exact(query)`, if
    given, is the condition of a row matching the whole query exactly (shown first)."""

    key: str
    title: str
    find: Callable
    template: str
    order: int
    exact: Callable | None = None


kinds: dict[str, SearchKind] = {}


def register(kind: SearchKind) -> None:
    kinds[kind.key] = kind  # by key: registering twice (a reloaded app) keeps one


def ordered_kinds() -> list[SearchKind]:
    return sorted(kinds.values(), key=lambda kind: (kind.order, kind.key))
