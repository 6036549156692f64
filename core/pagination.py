"""The one way a portal page shows a long list a page at a time (issue 12): `paginate` cuts the
list, `includes/_pagination.html` draws the links and `{% page_url %}` (core.templatetags.pages)
makes each link keep the page's other query parameters (its filters, the page of another list).

A page of rows costs two queries however long the list is: the count and the rows. The queryset
must have a total order (end it with the primary key), or rows can repeat or vanish between pages.

    context["page_obj"] = page = paginate(request, selectors.block_list(account=account))
    context["blocks"] = page.object_list

A page with two lists gives the second its own parameter and passes it to the include:

    {% include "includes/_pagination.html" with page_obj=answered_page page_param="answered" %}
"""

from django.core.paginator import InvalidPage, Page, Paginator
from django.http import Http404
from django.utils.translation import gettext

PAGE_SIZE = 25


def page_of(queryset, number, *, per_page: int = PAGE_SIZE, count: int | None = None, strict: bool = False) -> Page:
    """Page `number` of `queryset`.

    - `count`: the list's length when the caller already knows it (from figures it shows anyway,
      or counted on a cheaper queryset): the page then runs no COUNT of its own.
    - `strict`: a number that is not a whole number from 1, or lies past the last page, answers
      404 (the public directory, the unit page); otherwise the first page for a missing or
      malformed number and the last for one past the end. Page 1 of an empty list is empty."""
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
