"""The forms of the People pages, the unit page's manager form and the profile page (issue 13)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from org import roles
from org.choices import Language, NotificationMode
from org.fields import PersonField
from org.models import Unit
from org.selectors import PersonStatus
from org.services import ROLE_LABELS

STATUS_CHOICES = [
    ("", _("Everyone")),
    (PersonStatus.ACTIVE, _("Active")),
    (PersonStatus.PENDING, _("Pending (never logged in)")),
    (PersonStatus.LEFT, _("Left KI")),
]


class PersonFilterForm(forms.Form):
    """The People page's search box and filters (GET)."""

    q = forms.CharField(label=_("Name, username or e-mail address"), required=False, max_length=200)
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("Any role")), *[(r, ROLE_LABELS[r]) for r in roles.ROLE_GROUPS]],
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)


class PersonCreateForm(forms.Form):
    """Name a pending person: name, e-mail address and, optionally, their unit."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        required=False,
        queryset=Unit.objects.order_by("path"),
        empty_label=_("(none)"),
    )


class RoleChangeForm(forms.Form):
    """Grant or revoke one role, with the reason the audit trail keeps."""

    role = forms.ChoiceField(choices=[(r, r) for r in roles.ROLE_GROUPS])
    change = forms.ChoiceField(choices=[("grant", "grant"), ("revoke", "revoke")])
    reason = forms.CharField(label=_("Reason"), max_length=500)


class UnitManagerForm(forms.Form):
    """The unit page's form for its responsible manager (RESP-1)."""

    manager = PersonField(label=_("Responsible manager"))


class ProfileForm(forms.Form):
    """A person's own e-mail preferences."""

    language = forms.ChoiceField(label=_("Language of e-mails"), choices=Language.choices)
    notification_mode = forms.ChoiceField(
        label=_("E-mail delivery"),
        choices=NotificationMode.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A daily digest gathers the day's reminders and decisions in one e-mail each morning; "
            "escalations and questions that must be answered within the day still come at once."
        ),
    )
