"""Pages for an account's blocking log (CONT-1, REC-1), media consent register (MEDIA-1..3) and
visitor notice (INF-1).

The blocking log and the consent register are evidence: they answer 404 to anyone who may not see
the account's screenshots (accounts.snapshots), also for a public account. Those who may see them
but not write (auditors) get 403 on every POST. The visitor notice is for anyone who sees the
account.
"""

import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from accounts.selectors import social_account_get
from accounts.uploads import PDF_CONTENT_TYPE
from core.pagination import paginate
from core.views import ServiceActionView
from records import blocks, consents, permissions
from records.forms_blocks import BlockForm, ConsentWithdrawForm, MediaConsentForm
from records.models import Block, MediaConsent
from records.views_moderation import EVIDENCE_NO_STORE, EvidenceFormPage
from records.visitor_notice import VISITOR_NOTICE_EN, VISITOR_NOTICE_SV

logger = logging.getLogger(__name__)


# Blocking log


class BlockListView(EvidenceFormPage):
    """An account's blocking log and the form to record a block (403 for those who may only read)."""

    form_class = BlockForm
    template_name = "records/block_list.html"
    success_message = _("The block was recorded.")
    may_write = staticmethod(permissions.can_write_blocks)

    def perform(self, form):
        return blocks.block_record(actor=self.request.user, account_id=self.account.pk, **form.cleaned_data)

    def get_success_url(self):
        return reverse("records:blocks", args=[self.account.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context["page_obj"] = page = paginate(self.request, blocks.block_list(account=self.account))
        rows = list(page.object_list)
        for block in rows:
            block.review_overdue = blocks.is_review_overdue(block, now)
        context.update(account=self.account, blocks=rows, can_write=self.can_write)
        return context


class _BlockActionView(LoginRequiredMixin, ServiceActionView):
    """A POST-only change to one block: 404 unless the user may see the log, 403 unless they may
    write it; any other refusal is shown as a message."""

    def prepare(self):
        self.block = get_object_or_404(Block.objects.select_related("account__unit"), pk=self.kwargs["pk"])
        if not permissions.can_see_evidence(self.request.user, self.block.account):
            raise Http404
        if not permissions.can_write_blocks(self.request.user, self.block.account):
            raise PermissionDenied

    def get_redirect_url(self):
        return reverse("records:blocks", args=[self.block.account_id])


class BlockReviewView(_BlockActionView):
    success_message = _("The block was reviewed and kept.")

    def perform(self, form):
        blocks.block_review(actor=self.request.user, block_id=self.block.pk)


class BlockUnblockView(_BlockActionView):
    success_message = _("The visitor was unblocked. The block stays in the log.")

    def perform(self, form):
        blocks.block_unblock(actor=self.request.user, block_id=self.block.pk)


# Media consent register


class ConsentListView(EvidenceFormPage):
    """An account's media consents and the form to record one (403 for those who may only read)."""

    form_class = MediaConsentForm
    template_name = "records/consent_list.html"
    success_message = _("The consent was recorded.")
    may_write = staticmethod(permissions.can_write_consents)

    def perform(self, form):
        data = dict(form.cleaned_data)
        data["form"] = data.pop("consent_form")
        return consents.consent_record(actor=self.request.user, account_id=self.account.pk, **data)

    def get_success_url(self):
        return reverse("records:consents", args=[self.account.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_obj"] = page = paginate(self.request, consents.consent_list(account=self.account))
        rows = list(page.object_list)
        if self.can_write:
            for consent in rows:
                if not consent.is_withdrawn:
                    consent.withdraw_form = ConsentWithdrawForm(auto_id=f"id_withdraw{consent.pk}_%s")
        context.update(account=self.account, consents=rows, can_write=self.can_write)
        return context


class ConsentWithdrawView(LoginRequiredMixin, ServiceActionView):
    """Record that a consent was withdrawn (MEDIA-1): 404 unless the user may see the register, 403
    unless they may write it; any other refusal is shown as a message on the register."""

    form_class = ConsentWithdrawForm
    success_message = _("The withdrawal was recorded. The account's owner and deputy have been told.")

    def prepare(self):
        self.consent = get_object_or_404(MediaConsent.objects.select_related("account__unit"), pk=self.kwargs["pk"])
        if not permissions.can_see_evidence(self.request.user, self.consent.account):
            raise Http404
        if not permissions.can_write_consents(self.request.user, self.consent.account):
            raise PermissionDenied

    def perform(self, form):
        consents.consent_withdraw(actor=self.request.user, consent_id=self.consent.pk, **form.cleaned_data)

    def get_redirect_url(self):
        return reverse("records:consents", args=[self.consent.account_id]) + f"#consent-{self.consent.pk}"


@EVIDENCE_NO_STORE
class ConsentDocumentView(LoginRequiredMixin, View):
    """The written consent, to those who may see the account's evidence. Images are shown in the
    browser, PDFs downloaded; the headers stop the browser from running anything in either (as
    accounts.snapshot_views.SnapshotFileView)."""

    def get(self, request, pk):
        consent = consents.consent_document_get(user=request.user, pk=pk)
        try:
            handle = consent.document.open("rb")
        except FileNotFoundError:
            logger.error("Media consent %s: file %s is missing from storage", consent.pk, consent.document.name)
            raise Http404 from None
        content_type = consents.CONTENT_TYPES.get(consent.document_extension, "application/octet-stream")
        name = f"{slugify(consent.account.name) or 'account'}-consent-{consent.pk}.{consent.document_extension}"
        response = FileResponse(
            handle,
            content_type=content_type,
            as_attachment=content_type == PDF_CONTENT_TYPE,
            filename=name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


# Visitor notice


@EVIDENCE_NO_STORE  # not evidence, but every records page answers alike
class VisitorNoticeView(LoginRequiredMixin, TemplateView):
    """The standard visitor notice (INF-1), in Swedish and English, to copy into the account's
    description: for anyone who may see the account."""

    template_name = "records/visitor_notice.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            account=social_account_get(user=self.request.user, pk=kwargs["pk"]),
            notices=[
                ("sv", _("Standard text in Swedish"), VISITOR_NOTICE_SV),
                ("en", _("Standard text in English"), VISITOR_NOTICE_EN),
            ],
        )
        return context
