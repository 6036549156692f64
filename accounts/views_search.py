"""The account search behind the account pickers (accounts.fields.AccountMultipleField)."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.fields import account_label
from accounts.selectors import social_account_search
from core.throttles import rate_limit


@require_GET
@never_cache
@login_required
@rate_limit("people-search", json=True, per_user=True)
def account_search_view(request):
    """GET ?q=words or a number: at most 20 of the accounts the user may see, as JSON
    ``{"results": [{"id", "label", "detail"}]}`` (the same shape as /people/search/)."""
    accounts = social_account_search(user=request.user, query=request.GET.get("q", ""))
    results = [{"id": a.pk, "label": account_label(a), "detail": a.get_status_display()} for a in accounts]
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})
