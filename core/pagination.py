"""The one way a portal page shows a long list a page at a time (issue 12): `paginate` cuts the
list, `includes/_pagination.html` draws the links and `{% page_url %}` (core.templatetags.pages)
makes each link keep the page's other query parameters (its filters, the page of another list).

A page of rows costs two queries however long the list is: the count and the rows. The queryset
must have a total order (end it with the primary key), or rows can repeat or vanish between pages.

    context["page_obj"] = page = paginate(request, selectors.block_list(account=account))
    context["blocks"] = page.object_list

A page with two lists gives the second its own parameter and passes it to the include:

    {% include "includes/_pagination.html" with page_obj=answered_page page_param="answered" %}

**Bounded counts** (`bounded=True`, issue 12): a list whose exact length is not a figure anyone
needs (the inventory, the directory, a unit's accounts, the registers, search results) counts at
most `settings.PAGINATION_COUNT_LIMIT` + 1 rows (``SELECT COUNT(*) FROM (… LIMIT n) …``): at
100 000 accounts the exact count of every visible account was 40 to 60 ms on each page, and a
bounded one costs the same at any size. Past the limit the page says "more than 1 000" and its
links reach the last page it knows of; the limit always reaches past the page asked for, so a
deep page (and whether a next one exists) is always known. Where the total is a reported figure
(reports, compliance) keep the exact count (the default).

**Searched lists** (`searched=True`): a search by fragments (trigram indexes on PostgreSQL) that
matches a thousand accounts made PostgreSQL walk the whole list in its order (the name index),
expecting matches early, while the matches cluster (issue 12: 108 ms at 100 000 accounts). A
searched list reads the primary keys of up to settings.PAGINATION_SEARCH_COUNT_LIMIT + 1 matches
(by the search's own indexes, in no order) instead of counting them, and when they are all its
matches the page is read from them by primary key (``pk IN (…)``, then a sort of at most n rows):
the search's indexes are read once a request (issue 12, fifth pass: the count, the page and its
subquery read the trigram indexes three times). Past the limit the matches are a large part of
the list and walking the list's order finds a page of them early.
"""

from django.conf import settings
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import IntegerField, Subquery
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext

PAGE_SIZE = 25


def bounded_count(queryset, limit: int) -> int:
    """How many rows `queryset` has, counted up to `limit` + 1 (``SELECT COUNT(*) FROM (… LIMIT
    limit + 1)``): a value over `limit` means "more than `limit`". The queryset's order is dropped."""
    return queryset.order_by()[: limit + 1].count()


class BoundedPaginator(Paginator):
    """A Paginator whose count reads at most `limit` + 1 rows, `limit` being the larger of
    `bound` (settings.PAGINATION_COUNT_LIMIT by default) and the rows up to the end of the page
    asked for. `more_than` is `limit` when the list is longer (the count is then `limit` + 1 and
    the pages are those known), None when the count is exact. `count_from`: a queryset of the
    same rows that is cheaper to count (without the joins the rows need). `searched`: a searched
    list (the module's docstring): the bound is settings.PAGINATION_SEARCH_COUNT_LIMIT and a page
    of at most that many matches is read from the matches alone."""

    def __init__(
        self, object_list, per_page, *args, bound: int | None = None, count_from=None, searched=False, **kwargs
    ):
        super().__init__(object_list, per_page, *args, **kwargs)
        if bound is None:
            bound = settings.PAGINATION_SEARCH_COUNT_LIMIT if searched else settings.PAGINATION_COUNT_LIMIT
        self.bound = self.limit = bound
        self.count_from = count_from
        self.searched = searched

    def validate_number(self, number):
        # The page asked for sets how far to count, before anything is counted.
        if "count" not in self.__dict__:
            try:
                wanted = int(number)
            except (TypeError, ValueError, OverflowError):
                wanted = 1
            self.limit = max(self.bound, wanted * self.per_page)
        return super().validate_number(number)

    @cached_property
    def count(self) -> int:
        rows = self.object_list if self.count_from is None else self.count_from
        if self.searched and hasattr(rows, "values_list") and hasattr(self.object_list, "filter"):
            # A search reads the primary keys of its first limit + 1 matches instead of counting
            # them: the count is how many came, and when they are all the matches the page is read
            # from them by primary key (page()), so the search's indexes are read once a request,
            # not again for the page (three bitmap scans of the trigram indexes before).
            self.match_ids = list(rows.order_by().values_list("pk", flat=True)[: self.limit + 1])
            return len(self.match_ids)
        if hasattr(rows, "order_by") and hasattr(rows, "count"):
            counted = bounded_count(rows, self.limit)
        else:
            counted = min(len(rows), self.limit + 1)
        return counted

    def page(self, number):
        number = self.validate_number(number)
        if self.searched and self.more_than is None and hasattr(self.object_list, "filter"):
            # Every match is among the first limit + 1 of the search in any order: read the page
            # from those (once; get_page may ask twice), by primary key.
            self.object_list, self.searched = self.object_list.filter(pk__in=self.match_ids), False
        return super().page(number)

    @property
    def more_than(self) -> int | None:
        """The number of rows the list is known to exceed, or None when `count` is exact."""
        return self.limit if self.count > self.limit else None

    @property
    def pages_more_than(self) -> int | None:
        """The number of pages the list is known to exceed, or None when `num_pages` is exact."""
        return self.limit // self.per_page if self.more_than is not None else None


class BoundedCount(Subquery):
    """``(SELECT COUNT(*) FROM (<queryset> LIMIT limit + 1))``: a bounded count as an expression,
    for a figure per row of another query (a unit page's "accounts below" per sub-unit) with an
    OuterRef in `queryset`. A value over `limit` means "more than `limit`"."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) bounded_count)"
    output_field = IntegerField()

    def __init__(self, queryset, limit: int):
        super().__init__(queryset.order_by().values("pk")[: limit + 1])


def page_of(
    queryset,
    number,
    *,
    per_page: int = PAGE_SIZE,
    count: int | None = None,
    strict: bool = False,
    bounded: bool = False,
    count_from=None,
    searched: bool = False,
) -> Page:
    """Page `number` of `queryset`.

    - `count`: the list's length when the caller already knows it (from figures it shows anyway,
      or counted on a cheaper queryset): the page then runs no COUNT of its own.
    - `bounded`: count at most settings.PAGINATION_COUNT_LIMIT rows past the page asked for
      (BoundedPaginator; `count_from` a cheaper queryset of the same rows to count; `searched` a
      searched list, see the module's docstring).
    - `strict`: a number that is not a whole number from 1, or lies past the last page, answers
      404 (the public directory, the unit page); otherwise the first page for a missing or
      malformed number and the last for one past the end. Page 1 of an empty list is empty."""
    if bounded and count is None:
        paginator = BoundedPaginator(queryset, per_page, count_from=count_from, searched=searched)
    else:
        paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # Paginator.count is a cached_property: this is its value
    if not strict:
        return paginator.get_page(number)
    try:
        return paginator.page(number or 1)
    except InvalidPage:
        raise Http404(gettext("There is no such page.")) from None


def paginate(request, queryset, *, per_page: int = PAGE_SIZE, param: str = "page", **options) -> Page:
    """The page of `queryset` that the request's `param` asks for (options: see page_of; by
    default a stale link never answers 404)."""
    return page_of(queryset, request.GET.get(param), per_page=per_page, **options)
