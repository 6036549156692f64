from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from org.fields import PersonField
from org.models import Unit


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ("name", "name_en", "kind", "parent", "manager", "registry_email")
        field_classes = {"manager": PersonField}  # chosen by search: never a list of everyone

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Unit.objects.order_by("path")
        if self.instance.pk:
            # A unit cannot go under itself or below.
            parents = parents.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = parents
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save")))

    def _post_clean(self):
        # The path is kept by org.services; the model is validated there.
        pass
