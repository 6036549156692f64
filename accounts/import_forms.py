from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.imports import ImportFileError, parse_table


class ImportUploadForm(forms.Form):
    """Upload the spreadsheet of existing accounts. A valid form has read the file:
    cleaned_data["table"] holds its rows (accounts.imports.Table)."""

    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        help_text=_(
            "At most 5 MB and 5 000 rows. The first row holds the column names; "
            "CSV files are UTF-8, separated by semicolons, commas or tabs."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            self.cleaned_data["table"] = parse_table(uploaded)
        except ImportFileError as exc:
            raise forms.ValidationError(exc.message) from None
        return uploaded
