import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from accounts.choices import AccountStatus, Classification
from accounts.models import Assignment, Platform
from core.widgets import SearchSelect, Select, options_html
from org import unit_cache
from org.fields import PersonField
from org.models import Unit


class PersonFilter(django_filters.ModelChoiceFilter):
    """A person, chosen by search (org.fields.PersonField): the page holds only the chosen one.
    The queryset (extra["queryset"]) still decides whom the filter accepts; people who have left
    may still hold an account, so the search offers them too."""

    field_class = PersonField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("include_inactive", True)
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)


class UnitChoiceIterator(ModelChoiceIterator):
    """The unit filter's options from three columns of each unit (``values_list``) instead of a
    Unit instance each: the same values and labels (Unit.display_name: the English name in
    English when there is one), ordered as the queryset (by path). Building ~200 model
    instances was a fifth of the inventory's time (issue 12, second pass).

    The options, and the ``<option>`` elements core.widgets.Select writes of them, are kept per
    process while the unit tree is unchanged (org.unit_cache), per queryset and language: the
    inventory and the registers then read no unit to show their filter (issue 12, third pass)."""

    def _kept(self) -> tuple[list, str]:
        # The queryset by what selects and orders its units, compared as a structure (writing its
        # SQL to compare took longer than the options it saves).
        query = self.queryset.query
        shape = (query.where, query.order_by, query.default_ordering, query.low_mark, query.high_mark)
        language = get_language() or "sv"
        name = f"unit-options:{language}:{self.field.empty_label}:{self.field.null_label}:{hash(shape)}"
        return unit_cache.for_units(name, self._make, key=shape)

    def _make(self) -> tuple[list, str]:
        choices = []
        if self.field.empty_label is not None:
            choices.append(("", self.field.empty_label))
        if self.field.null_label is not None:
            choices.append((self.field.null_value, self.field.null_label))
        english = (get_language() or "sv").startswith("en")
        for pk, name, name_en in self.queryset.values_list("pk", "name", "name_en"):
            choices.append((pk, name_en if english and name_en else name))
        return choices, options_html(choices)

    def __iter__(self):
        return iter(self._kept()[0])

    def __len__(self):
        return len(self._kept()[0])

    def __bool__(self):
        return bool(self._kept()[0])

    def options_html(self) -> str:
        return self._kept()[1]


class UnitChoiceField(ModelChoiceField):
    iterator = UnitChoiceIterator


class UnitChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = UnitChoiceField


class PlatformChoiceIterator(ModelChoiceIterator):
    """The platform filter's options from two columns of each platform (``values_list``) instead
    of a Platform instance each: the same values and labels (Platform.__str__: its name), ordered
    as the queryset (by name)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", "name")


class PlatformChoiceField(ModelChoiceField):
    iterator = PlatformChoiceIterator


class PlatformChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = PlatformChoiceField


class InventoryFilter(django_filters.FilterSet):
    """The inventory's filters; shared by the list page (and later the API and the exports)."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    unit = UnitChoiceFilter(
        label=_("Unit (including units below it)"), queryset=Unit.objects.open(), method="in_unit", widget=Select
    )
    platform = PlatformChoiceFilter(label=_("Platform"), queryset=Platform.objects.all(), widget=Select)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AccountStatus.choices, widget=Select)
    classification = django_filters.ChoiceFilter(
        label=_("Classification"), choices=Classification.choices, widget=Select
    )
    person = PersonFilter(
        label=_("Owner or deputy"),
        queryset=get_user_model().objects.filter(assignments__ended_at__isnull=True).distinct(),
        method="held_by",
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        widget=Select,
        fields=(
            ("name", "name"),
            ("platform__name", "platform"),
            ("unit__name", "unit"),
            ("status", "status"),
            ("updated_at", "updated"),
        ),
        field_labels={
            "name": _("Name"),
            "platform__name": _("Platform"),
            "unit__name": _("Unit"),
            "status": _("Status"),
            "updated_at": _("Last changed"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            is_select = hasattr(field, "choices") and not isinstance(field.widget, SearchSelect)
            css = "form-select" if is_select else "form-control"
            field.widget.attrs.setdefault("class", css)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(handle__icontains=value) | Q(url__icontains=value))

    def in_unit(self, queryset, name, value):
        return queryset.in_unit(value) if value else queryset

    def held_by(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=Assignment.objects.current().filter(person=value).values("account"))
