"""The person field: every form field and filter that chooses a member of staff (issue 12).

A page never lists everyone: PersonField renders only the chosen person, and the browser searches
/people/search/ (org.views_people) for the others. The queryset still decides who is accepted
(active people by default), on the server. Without JavaScript the field is a text box that takes
a username or an e-mail address.
"""

from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.fields import SearchModelChoiceField
from org.models import User


def person_label(person) -> str:
    """A person as the pickers show them: the name, with the username to tell namesakes apart."""
    name = person.get_full_name()
    return f"{name} ({person.username})" if name else person.username


class PersonField(SearchModelChoiceField):
    """Choose one member of staff. ``queryset`` defaults to the active users; pass
    ``include_inactive=True`` when the queryset accepts people who have left, so that the search
    offers them too."""

    text_lookups = ("username", "email")
    fallback_hint = _("Type the person's username or e-mail address.")
    default_error_messages = {
        "invalid_choice": _("No one who can be chosen here has the username or e-mail address “%(value)s”."),
    }

    def __init__(self, *, queryset=None, include_inactive: bool = False, **kwargs):
        if queryset is None:
            queryset = User.objects.filter(is_active=True)
        url = reverse_lazy("people:search")
        if include_inactive:
            url = format_lazy("{}?inactive=1", url)
        kwargs.setdefault("search_url", url)
        super().__init__(queryset=queryset, **kwargs)

    def display_queryset(self):
        # Anyone logged in may find anyone by search, people who have left included; so the
        # current owner who has left is shown by name (and refused when the form is sent).
        return User.objects.all()

    def label_from_instance(self, obj):
        return person_label(obj)

    def text_of(self, obj) -> str:
        return obj.username
