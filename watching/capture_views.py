"""The start-page capture on the account page (issue 17): the panel, the button that asks for a
capture, and the WARC download. Evidence: 404 to anyone who may not see the account's screenshots."""

import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import cache_control

from accounts.models import SocialAccount
from accounts.permissions import can_see_snapshots
from core.views import ServiceActionView
from watching import capture

logger = logging.getLogger(__name__)


def capture_panel(request, account):
    """accounts.extensions detail panel: the latest captures and their outcome, and the button for
    those who may ask for one. Only for those who may see the account's evidence."""
    if not can_see_snapshots(request.user, account):
        return None
    return "watching/capture_panel.html", {
        "account": account,
        "captures": capture.captures_recent(user=request.user, account=account),
        "can_request": capture.can_request_capture(request.user, account),
    }


class CaptureRequestView(LoginRequiredMixin, ServiceActionView):
    """POST: queue a capture of the account's start page now."""

    success_message = _("The capture is queued. Its outcome is shown here when it is done.")

    def prepare(self):
        qs = SocialAccount.objects.with_evidence_for(self.request.user)
        self.account = get_object_or_404(qs, pk=self.kwargs["pk"])

    def perform(self, form):
        return capture.capture_request(actor=self.request.user, account_id=self.account.pk)

    def get_redirect_url(self):
        return self.account.get_absolute_url()


@method_decorator(cache_control(private=True, no_store=True), name="dispatch")
class CaptureWarcView(LoginRequiredMixin, View):
    """The WARC of a capture, downloaded (never rendered), to those who may see the evidence."""

    def get(self, request, pk):
        found = capture.capture_get(user=request.user, pk=pk)
        try:
            handle = found.warc.open("rb")
        except (FileNotFoundError, ValueError):
            logger.error("Capture %s: WARC %s is missing from storage", found.pk, found.warc.name)
            raise Http404 from None
        name = f"{slugify(found.account.name) or 'account'}-{found.day}.warc.gz"
        response = FileResponse(handle, content_type="application/warc", as_attachment=True, filename=name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
