"""`{% page_url number %}`: the address of another page of a list (core.pagination)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number: int, param: str = "page") -> str:
    """This page's query string with `param` set to `number`: the filters, the sort and the page
    of any other list on the page are kept, except the parameters a view names in the context's
    `page_url_drop` (e.g. the directory's one-off check). Escaped by the template like any simple
    tag's output."""
    query = context["request"].GET.copy()
    for name in context.get("page_url_drop", ()):
        query.pop(name, None)
    query[param] = number
    return f"?{query.urlencode()}"
