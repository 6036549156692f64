"""The bulk handover form of a person who has left KI (issue 13): one row per account they hold,
each with a checkbox, a new owner and a new deputy, and one new owner and one new deputy that apply
to every selected row left empty. The view hands the rows to accounts.leavers.leaver_handover."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.leavers import LeaverRow
from org.fields import PersonField
from org.models import User


def _candidates():
    """Who can take an account: active people who have not left (RES-2)."""
    return User.objects.filter(is_active=True, left_on__isnull=True)


class LeaverHandoverForm(forms.Form):
    all_owner = PersonField(
        label=_("New owner of the selected accounts"),
        required=False,
        queryset=_candidates(),
        help_text=_("For every selected account the person owned and whose row names no new owner."),
    )
    all_deputy = PersonField(
        label=_("New deputy of the selected accounts"),
        required=False,
        queryset=_candidates(),
        help_text=_("For every selected account where the person was deputy and whose row names no new deputy."),
    )
    direct = forms.TypedChoiceField(
        label=_("How"),
        choices=(
            ("0", _("Offer the accounts: each new owner accepts or declines, as in any handover")),
            ("1", _("Appoint directly, without acceptance (communications department; give a reason)")),
        ),
        coerce=lambda v: v == "1",
        initial="0",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in each account's audit trail; required when appointing directly."),
    )
    note = forms.CharField(
        label=_("Message to the new owners"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, assignments, may_assign_directly: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignments = list(assignments)
        if not may_assign_directly:
            del self.fields["direct"]
            del self.fields["reason"]
        for assignment in self.assignments:
            pk, name = assignment.account_id, assignment.account.name
            self.fields[f"select-{pk}"] = forms.BooleanField(
                label=_("Hand over %(name)s") % {"name": name}, required=False
            )
            self.fields[f"owner-{pk}"] = PersonField(
                label=_("New owner of %(name)s") % {"name": name}, required=False, queryset=_candidates()
            )
            self.fields[f"deputy-{pk}"] = PersonField(
                label=_("New deputy of %(name)s") % {"name": name}, required=False, queryset=_candidates()
            )

    def rows(self):
        """(assignment, select field, owner field, deputy field) for the template, in order."""
        for a in self.assignments:
            pk = a.account_id
            yield a, self[f"select-{pk}"], self[f"owner-{pk}"], self[f"deputy-{pk}"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("direct") and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason for appointing directly."))
        if self.errors:
            return cleaned
        rows = []
        for a in self.assignments:
            pk = a.account_id
            if not cleaned.get(f"select-{pk}"):
                continue
            owner = cleaned.get(f"owner-{pk}") or (cleaned.get("all_owner") if a.role == Role.OWNER else None)
            deputy = cleaned.get(f"deputy-{pk}") or (cleaned.get("all_deputy") if a.role == Role.DEPUTY else None)
            rows.append(LeaverRow(account_id=pk, owner=owner, deputy=deputy))
        if not rows:
            raise forms.ValidationError(_("Select at least one account to hand over."))
        cleaned["rows"] = rows
        return cleaned

    def add_row_errors(self, refused: dict[int, str]) -> None:
        """The service's reason for each refused row, shown beside its checkbox."""
        for account_id, message in refused.items():
            name = f"select-{account_id}"
            if name in self.fields:
                self.add_error(name, message)
            else:
                self.add_error(None, message)
