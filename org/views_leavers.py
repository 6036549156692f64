"""Marking a person as having left KI (issue 13): /people/<id>/leave/, named people:leave. The
form calls org.services.person_leave; the bulk handover page (people:handover) is accounts'."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache

from core.exceptions import ApplicationError
from core.widgets import DateInput
from org import permissions, roles, services
from org.models import User


class PersonLeaveForm(forms.Form):
    left_on = forms.DateField(
        label=_lazy("Left KI on"), widget=DateInput, help_text=_lazy("Today or a day in the past.")
    )
    reason = forms.CharField(
        label=_lazy("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_lazy("Recorded in the audit trail, e.g. “Employment ended (HR case 2026-118)”."),
    )


@never_cache
@login_required
def person_leave_view(request, pk: int):
    """GET: the form (day, reason); POST: person_leave. Administrators and comms only; anyone else
    gets 404, as for every People page (issue 13)."""
    if not permissions.can_manage_people(request.user):
        raise Http404
    person = get_object_or_404(User, pk=pk)
    form = PersonLeaveForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if request.method == "POST" and not person.has_left and form.is_valid():
        try:
            services.person_leave(
                actor=request.user,
                person=person,
                left_on=form.cleaned_data["left_on"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:  # NotAllowed too (one's own leaving): said on the form
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(person)s is marked as having left KI.") % {"person": person})
            return redirect(reverse("people:leave", args=[person.pk]))
    return render(
        request,
        "org/leavers/person_leave.html",
        {
            "person": person,
            "form": form,
            # Comms hand over every leaver's accounts; an administrator who is not in comms cannot.
            "may_hand_over": roles.is_comms(request.user),
            "is_self": person.pk == request.user.pk,
        },
    )
