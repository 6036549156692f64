"""The one people search behind every person field and filter (org.fields.PersonField, issue 12)."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.throttles import rate_limit
from org.fields import person_label
from org.selectors import person_search


@require_GET
@never_cache
@login_required
@rate_limit("people-search", json=True, per_user=True)
def person_search_view(request):
    """GET ?q=words[&inactive=1]: at most 20 people as JSON ``{"results": [{"id", "label",
    "detail"}]}``; ``detail`` is the e-mail address (and whether the person has left), to tell
    namesakes apart. Fewer than two characters find no one."""
    people = person_search(
        user=request.user, query=request.GET.get("q", ""), include_inactive=request.GET.get("inactive") == "1"
    )
    results = []
    for person in people:
        detail = person.email
        if not person.is_active:
            detail = f"{detail} – {_('inactive')}" if detail else _("inactive")
        results.append({"id": person.pk, "label": person_label(person), "detail": detail})
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})
