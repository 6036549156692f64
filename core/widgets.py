"""Form widgets shared by every app."""

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.html import text


class DateInput(forms.DateInput):
    """The browser's date picker: `<input type="date">` with the ISO value it expects."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's own argument name
        super().__init__(attrs=attrs, format=format)


class SearchSelect(forms.Widget):
    """A choice among more objects than a page can list (people, accounts): the page holds only
    the chosen object(s), and static/js/search-select.js turns the field into an ARIA 1.2
    combobox whose options come from a search endpoint (``data-url``, JSON
    ``{"results": [{"id", "label", "detail"}]}``).

    Without JavaScript it is an honest text field: it shows the chosen object's typed form (a
    username, an account number) and the field (core.fields.SearchModelChoiceField) accepts
    what is typed there. The widget is given its objects by that field, through the
    ModelChoiceIterator Django puts in ``self.choices``; it never iterates the choices."""

    template_name = "core/widgets/search_select.html"
    allow_multiple_selected = False

    def __init__(self, attrs=None, *, url: str = "", placeholder: str = ""):
        super().__init__(attrs)
        self.url = url
        self.placeholder = placeholder

    def _field(self):
        return self.choices.field

    def format_value(self, value):
        """The submitted or initial value as a list: model instances (an initial value) or
        strings (ids or typed text); the field's chosen() tells them apart."""
        if value is None or value == "":
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [v if hasattr(v, "_meta") else str(v) for v in values if v is not None and v != ""]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        field = self._field()
        found, unresolved = field.chosen(context["widget"]["value"])
        widget = context["widget"]
        widget["attrs"].setdefault("class", "form-control")
        widget["attrs"].update({"autocomplete": "off", "spellcheck": "false"})
        if self.placeholder:
            widget["attrs"].setdefault("placeholder", self.placeholder)
        widget["url"] = str(field.search_url or self.url)
        widget["multiple"] = self.allow_multiple_selected
        widget["chosen"] = [{"id": obj.pk, "label": field.label_of(obj), "text": field.text_of(obj)} for obj in found]
        widget["typed"] = " ".join(unresolved)
        widget["fallback_hint"] = field.fallback_hint
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class SearchSelectMultiple(SearchSelect):
    """SearchSelect for several objects: the chosen ones are checked checkboxes (unchecking one
    removes it, with or without JavaScript), and the combobox adds more."""

    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        try:
            return data.getlist(name)
        except AttributeError:
            return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # no checkbox checked means "none", as for CheckboxSelectMultiple

    def use_required_attribute(self, initial):
        return False  # the text box may stay empty when boxes are checked; the field checks


class Select(forms.Select):
    """Django's select, with its options written in Python rather than through a template each:
    a list of a few hundred units renders in about a tenth of the time (issue 12: the inventory's
    unit filter was a third of the page's time). Same markup as forms.Select for flat choices;
    no option groups.

    Choices that have an ``options_html()`` method give their options already written (nothing
    selected), e.g. kept while the unit tree is unchanged (accounts.filters.UnitChoiceIterator):
    the chosen ones are then marked in that string."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        written = getattr(self.choices, "options_html", None)
        options = written() if written is not None else options_html(self.choices)
        for option in chosen:
            start = f'<option value="{text(option)}">'
            options = options.replace(start, f"{start[:-1]} selected>")
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe(options))


def options_html(choices) -> str:
    """The ``<option>`` elements of flat (value, label) choices, none selected, as Select writes
    them: one join of plain strings (format_html per option, a format, two conditional_escape and
    a SafeString each, was still most of a select's time; issue 12, second pass)."""
    return "".join(f'<option value="{text(option)}">{text(label)}</option>' for option, label in choices)


class WrittenChoices(BaseChoiceIterator):
    """Flat (value, label) choices that write their ``<option>`` elements once, for Select:
    choices kept across requests (org.unit_cache) are then written once, not on each request."""

    def __init__(self, choices):
        self.choices = list(choices)
        self._html = None

    def __iter__(self):
        return iter(self.choices)

    def __len__(self):
        return len(self.choices)

    def options_html(self) -> str:
        if self._html is None:
            self._html = options_html(self.choices)
        return self._html
