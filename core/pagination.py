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

from django.core.paginator import Page, Paginator

PAGE_SIZE = 25


def paginate(request, queryset, *, per_page: int = PAGE_SIZE, param: str = "page") -> Page:
    """The page of `queryset` that the request's `param` asks for (the first page for a missing
    or malformed number, the last for one past the end: a stale link never answers 404)."""
    return Paginator(queryset, per_page).get_page(request.GET.get(param))
