"""The results page of the search across everything (issue 14, core.search): GET /search/?q=words
shows each kind the user may search as a group with its first GROUP_SIZE rows; ?kind=<key> shows
that kind alone, a page at a time, up to KIND_LIMIT rows. Issue 12: a kind reads at most the rows
it shows plus one (core.search.first_matches: exact matches first, by the search's indexes) and
says "more than N" past them instead of counting every match: two queries a group (the matches'
keys and the rows) plus what each kind prefetches, however many rows match (tests/scale guards
it). Rate limited per user (RATE_LIMIT_SEARCH), as the pickers' searches are."""

from dataclasses import dataclass

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Page
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from core import search
from core.pagination import page_of
from core.throttles import rate_limit

GROUP_SIZE = 5
KIND_PAGE_SIZE = 25
KIND_LIMIT = 100  # the "all results" page of one kind: four pages, then "more than 100"


@dataclass
class Group:
    kind: search.SearchKind
    page: Page
    count: int  # the rows found, at most the limit read
    more_than: int | None  # the limit, when more rows match than were read


@method_decorator(rate_limit("search", per_user=True), name="get")
class SearchView(LoginRequiredMixin, TemplateView):
    template_name = "core/search.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()
        words = search.search_words(query)
        only = search.kinds.get(self.request.GET.get("kind", ""))
        limit, per_page = (KIND_LIMIT, KIND_PAGE_SIZE) if only else (GROUP_SIZE, GROUP_SIZE)
        groups = []
        for kind in [only] if only else search.ordered_kinds():
            found = kind.find(self.request.user, words) if words else None
            if found is None:
                continue
            exact = kind.exact(query) if kind.exact else None
            ids = search.first_matches(found, limit + 1, exact=exact)
            count, more_than = min(len(ids), limit), (limit if len(ids) > limit else None)
            rows = search.best_first(found, ids[:limit], exact=exact)
            page = page_of(rows, self.request.GET.get("page") if only else 1, per_page=per_page, count=count)
            groups.append(Group(kind=kind, page=page, count=count, more_than=more_than))
        return super().get_context_data(
            query=query,
            searched=bool(words),
            too_short=bool(query) and not words,
            only=only,
            groups=groups,
            found_any=any(group.count for group in groups),
            **kwargs,
        )
