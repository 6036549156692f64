from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.tables import TableUploadForm
from core.widgets import DateInput, Select
from org.fields import PersonField
from org.models import Unit
from org.unit_import import COLUMNS as UNIT_COLUMNS


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ("name", "name_en", "kind", "parent", "manager", "registry_email", "code")
        field_classes = {"manager": PersonField}  # chosen by search: never a list of everyone

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _open_units(self.instance)
        self.fields["parent"].widget = Select(choices=self.fields["parent"].choices)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save")))

    def _post_clean(self):
        # The path is kept by org.services; the model is validated there.
        pass


def _open_units(unit: Unit | None):
    """The units a unit may be placed under or handed to: open ones (closed units leave every
    picker), never the unit itself or one below it."""
    units = Unit.objects.open().order_by("path")
    if unit is not None and unit.pk:
        units = units.exclude(path__startswith=unit.path)
    return units


def _unit_choice(label, unit, *, required: bool, help_text=""):
    field = forms.ModelChoiceField(
        label=label, queryset=_open_units(unit), required=required, help_text=help_text, widget=Select
    )
    field.widget.choices = field.choices
    return field


class UnitMoveForm(forms.Form):
    """Move a unit, with everything below it, under another parent (or to the top)."""

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = _unit_choice(
            _("New parent unit"),
            unit,
            required=False,
            help_text=_("Leave empty to place the unit at the top of the tree. Its sub-units move with it."),
        )
        self.fields["parent"].initial = unit.parent_id
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Move")))


class UnitRenameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Rename")))


class UnitCloseForm(forms.Form):
    """Close a unit with a successor: its accounts, open requests and sub-units go to the successor."""

    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput)

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"] = _unit_choice(
            _("Successor"),
            unit,
            required=True,
            help_text=_("The unit that takes over the accounts, the open requests and the units below."),
        )
        self.fields["closed_on"].initial = timezone.localdate()
        self.order_fields(["successor", "closed_on"])
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Close the unit"), css_class="btn-danger"))


class UnitImportForm(TableUploadForm):
    """Upload the unit tree (org.unit_import): cleaned_data["table"] holds its rows."""

    columns = UNIT_COLUMNS
