"""The bulk handover page of a person who has left KI (issue 13): /people/<id>/handover/, named
people:handover. org.urls_people routes it here through org.extensions.person_pages, since org may
not import accounts (tests/test_floors.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from accounts import leavers, permissions, selectors
from accounts.forms_handover import LeaverHandoverForm
from core.exceptions import ApplicationError
from core.pagination import paginate
from org.models import User

# Rows in one form: a leaver rarely holds more; more are handed over a page at a time.
HANDOVER_PAGE_SIZE = 50


@never_cache
@login_required
def leaver_handover_view(request, pk: int):
    """GET: the leaver's accounts that the user may hand over (comms: all; a responsible manager:
    their units'), one row each. POST: hand over the selected rows in one transaction
    (accounts.leavers.leaver_handover). Anyone else, auditors included, gets 404 (RES-2, RESP-1)."""
    person = get_object_or_404(User, pk=pk)
    if not permissions.can_hand_over_for(request.user, person):
        raise Http404
    page = paginate(
        request, selectors.leaver_assignments(user=request.user, person=person), per_page=HANDOVER_PAGE_SIZE
    )
    may_direct = permissions.can_assign_directly(request.user)
    form = LeaverHandoverForm(
        request.POST or None, assignments=page.object_list, may_assign_directly=may_direct, auto_id="h-%s"
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        direct = bool(data.get("direct"))
        try:
            done = leavers.leaver_handover(
                actor=request.user,
                person=person,
                rows=data["rows"],
                direct=direct,
                reason=data.get("reason", ""),
                note=data.get("note", ""),
            )
        except leavers.BulkHandoverRefused as exc:
            form.add_error(None, exc.message)
            form.add_row_errors(exc.rows)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            if direct:
                text = ngettext(
                    "%(count)d account appointed directly.", "%(count)d accounts appointed directly.", len(done)
                )
            else:
                text = ngettext(
                    "%(count)d account handed over; the new owners are asked to accept.",
                    "%(count)d accounts handed over; the new owners are asked to accept.",
                    len(done),
                )
            messages.success(request, text % {"count": len(done)})
            return redirect(request.get_full_path())
    return render(
        request,
        "accounts/leaver_handover.html",
        {"person": person, "form": form, "page_obj": page, "may_direct": may_direct, "title": _("Hand over")},
    )
