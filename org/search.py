"""Units and people in the search across everything (issue 14, core.search). The organisation is
not secret inside KI: every unit is found; people only by those who may see the People pages
(org.permissions.can_manage_people), as the People page's own search finds them."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import search
from org import permissions, selectors


def find_units(user, words):
    units = search.text_search(selectors.unit_list(user=user), words, text=("name", "name_en"), fragments=("code",))
    return units.order_by("name", "pk")


def unit_exact(query: str) -> Q:
    """A unit the whole query names exactly: its code or either name."""
    return Q(code__iexact=query) | Q(name__iexact=query) | Q(name_en__iexact=query)


def find_people(user, words):
    if not permissions.can_manage_people(user):
        return None
    return selectors.person_list(user=user, query=" ".join(words)).prefetch_related(None)


def register() -> None:
    search.register(
        search.SearchKind(
            key="units",
            title=_("Units"),
            find=find_units,
            template="org/includes/_search_unit.html",
            order=20,
            exact=unit_exact,
        )
    )
    search.register(
        search.SearchKind(
            key="people",
            title=_("People"),
            find=find_people,
            template="org/includes/_search_person.html",
            order=30,
            exact=selectors.person_exact,
        )
    )
