"""Form widgets shared by every app."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker: `<input type="date">` with the ISO value it expects."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's own argument name
        super().__init__(attrs=attrs, format=format)
