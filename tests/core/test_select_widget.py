"""core.widgets.Select writes the same options as Django's forms.Select (issue 12: it renders
the unit lists of the inventory, the directory and the reports without a template per option)."""

import re

from django import forms

from core.widgets import Select

CHOICES = [("", "All units"), (1, "KI"), (2, "\u2003Medicin <& co>"), (3, 'Tre "citat"')]
OPTION = re.compile(r'<option value="([^"]*)"( selected)?>([^<]*)</option>')


def options(html: str) -> list[tuple[str, bool, str]]:
    return [(value, bool(selected), label) for value, selected, label in OPTION.findall(html)]


def render(widget_class, value, attrs=None):
    widget = widget_class(choices=CHOICES)
    return widget.render("unit", value, attrs={"id": "id_unit", "class": "form-select", **(attrs or {})})


def test_the_options_are_those_of_django_select_escaped_and_selected_alike():
    for value in (None, "", 2, "3"):
        ours, django = render(Select, value), render(forms.Select, value)
        assert options(ours) == options(django)
        assert len(options(ours)) == len(CHOICES)
    assert options(render(Select, 2))[2] == ("2", True, "\u2003Medicin &lt;&amp; co&gt;")


def test_the_select_keeps_its_attributes():
    html = render(Select, None, attrs={"required": True, "aria-describedby": "h"})
    assert html.startswith("<select ")
    for attribute in ('name="unit"', 'id="id_unit"', 'class="form-select"', "required", 'aria-describedby="h"'):
        assert attribute in html.split(">", 1)[0]


def test_a_model_choice_field_renders_its_choices_through_it(db):
    from org.models import Unit
    from tests.factories import UnitFactory

    units = [UnitFactory(name=f"Enhet {n}") for n in range(3)]
    field = forms.ModelChoiceField(queryset=Unit.objects.order_by("pk"), widget=Select, required=False)
    html = field.widget.render("unit", units[1].pk)
    assert options(html) == [("", False, "---------")] + [(str(u.pk), u == units[1], str(u)) for u in units]
