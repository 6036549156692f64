"""The results page of the search across everything (issue 14, core.search): GET /search/?q=words
shows each kind the user may search as a group with its first GROUP_SIZE rows and its count;
?kind=<key> shows that kind alone, a page at a time. Two queries a group (the count and the rows)
plus what each kind prefetches, however many rows match (tests/scale guards it)."""

from dataclasses import dataclass

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Page
from django.views.generic import TemplateView

from core import search
from core.pagination import page_of, paginate

GROUP_SIZE = 5
KIND_PAGE_SIZE = 25


@dataclass
class Group:
    kind: search.SearchKind
    page: Page


class SearchView(LoginRequiredMixin, TemplateView):
    template_name = "core/search.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()
        words = search.search_words(query)
        only = search.kinds.get(self.request.GET.get("kind", ""))
        groups = []
        for kind in [only] if only else search.ordered_kinds():
            found = kind.find(self.request.user, words) if words else None
            if found is None:
                continue
            if only:
                page = paginate(self.request, found, per_page=KIND_PAGE_SIZE, bounded=True)
            else:
                page = page_of(found, 1, per_page=GROUP_SIZE, bounded=True)
            groups.append(Group(kind=kind, page=page))
        return super().get_context_data(
            query=query,
            searched=bool(words),
            too_short=bool(query) and not words,
            only=only,
            groups=groups,
            found_any=any(group.page.paginator.count for group in groups),
            **kwargs,
        )
