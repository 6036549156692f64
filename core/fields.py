"""Form fields for choosing among more objects than a page can list (issue 12): people, accounts.

The page renders only the chosen objects (core.widgets.SearchSelect) and the browser searches an
endpoint for the rest. Validation stays here, on the server: a submitted id must be in the field's
queryset, exactly as for ModelChoiceField. Without JavaScript the field is a text box, so the
fields also accept typed text matched exactly (case-insensitively) against ``text_lookups``
(a username or an e-mail address, say), and, for several objects, ids separated by commas.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.widgets import SearchSelect, SearchSelectMultiple

_MAX_ID_DIGITS = 18  # an id longer than a bigint would make the database raise, not refuse


def _as_id(text: str) -> str | None:
    return text if text.isdigit() and len(text) <= _MAX_ID_DIGITS else None


class _SearchFieldMixin:
    """What SearchSelect asks of its field: the endpoint, a label and a typed form per object."""

    search_url = ""
    text_lookups: tuple[str, ...] = ()  # model fields that typed text is matched against (iexact)
    fallback_hint = ""  # shown under the text box when JavaScript is off

    def __init__(self, *args, search_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        if search_url is not None:  # often a lazy URL: comparing it would resolve it too early
            self.search_url = search_url

    def label_of(self, obj) -> str:
        return self.label_from_instance(obj)

    def text_of(self, obj) -> str:
        """What the text box holds for a chosen object without JavaScript; the field accepts it back."""
        return str(obj.pk)

    def prepare_value(self, value):
        # Keep model instances (the initial value): the widget then shows the chosen object even
        # if the queryset no longer holds it (an owner who has left), and the field refuses it
        # when the form is sent, as ModelChoiceField would.
        if hasattr(value, "_meta"):
            return value
        if isinstance(value, list | tuple) and any(hasattr(v, "_meta") for v in value):
            return list(value)
        return super().prepare_value(value)

    def has_changed(self, initial, data):
        if hasattr(initial, "_meta"):
            initial = initial.pk
        elif isinstance(initial, list | tuple):
            initial = [v.pk if hasattr(v, "_meta") else v for v in initial]
        return super().has_changed(initial, data)

    def display_queryset(self):
        """Where the widget looks up the objects it shows. The field's queryset, so that a page
        never names an object the user may not choose (a posted id is shown back); a field whose
        objects anyone may find by search anyway can widen it."""
        return self.queryset

    def chosen(self, values: list) -> tuple[list, list[str]]:
        """The objects that ``values`` (instances, or ids as submitted) name, in order, looked up in
        ``display_queryset()`` in one query; and whatever text names none of them, as typed."""
        ids = [v for v in values if isinstance(v, str) and _as_id(v)]
        by_id = {str(o.pk): o for o in self.display_queryset().filter(pk__in=ids)} if ids else {}
        objects, typed = [], []
        for v in values:
            if hasattr(v, "_meta"):
                objects.append(v)
            elif v in by_id:
                objects.append(by_id[v])
            elif str(v).strip():
                typed.append(str(v).strip())
        return objects, typed

    def object_for(self, text: str):
        """The object in the queryset that ``text`` names: an id, or an exact match of one of
        ``text_lookups``; a ValidationError when none or several match."""
        text = text.strip()
        if _as_id(text):
            found = self.queryset.filter(pk=text).first()
            if found is not None:
                return found
        if self.text_lookups:
            condition = Q()
            for name in self.text_lookups:
                condition |= Q(**{f"{name}__iexact": text})
            matches = list(self.queryset.filter(condition)[:2])
            if len(matches) == 1:
                return matches[0]
            if matches:
                raise ValidationError(self.error_messages["ambiguous"], code="ambiguous", params={"value": text})
        if _as_id(text):
            # An id the field may show but not accept (a person who has left): say who, not the id.
            shown = self.display_queryset().filter(pk=text).first()
            if shown is not None:
                raise ValidationError(
                    self.error_messages["unavailable"], code="unavailable", params={"value": self.label_of(shown)}
                )
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text})


class SearchModelChoiceField(_SearchFieldMixin, forms.ModelChoiceField):
    """ModelChoiceField for a SearchSelect: the submitted id, or typed text (``text_lookups``)."""

    widget = SearchSelect
    default_error_messages = {
        "ambiguous": _("“%(value)s” matches more than one; choose from the list."),
        "unavailable": _("%(value)s cannot be chosen here."),
    }

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        if hasattr(value, "_meta"):
            return value
        return self.object_for(str(value))


class SearchModelMultipleChoiceField(_SearchFieldMixin, forms.ModelMultipleChoiceField):
    """ModelMultipleChoiceField for a SearchSelectMultiple: the checked ids, and ids or typed text
    separated by commas from the text box."""

    widget = SearchSelectMultiple
    default_error_messages = {
        "ambiguous": _("“%(value)s” matches more than one; choose from the list."),
        "unavailable": _("%(value)s cannot be chosen here."),
    }

    def clean(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        ids = []
        for item in values:
            if hasattr(item, "_meta"):
                ids.append(item.pk)
                continue
            for token in re.split(r"[,;\s]+", str(item)):
                if token:
                    ids.append(self.object_for(token).pk)
        return super().clean(list(dict.fromkeys(ids)))
