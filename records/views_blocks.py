"""Pages for an account's blocking log (CONT-1, REC-1), media consent register (MEDIA-1..3) and
visitor notice (INF-1).

The blocking log and the consent register are evidence: they answer 404 to anyone who may not see
the account's screenshots (accounts.snapshots), also for a public account. Those who may see them
but not write (auditors) get 403 on every POST. The visitor notice is for anyone who sees the
account.
"""

import logging

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from accounts.selectors import social_account_get
from accounts.snapshots import can_see_snapshots
from accounts.uploads import IMAGE_CONTENT_TYPES, PDF_CONTENT_TYPE, checked_upload
from core.exceptions import ApplicationError, NotAllowed
from core.widgets import DateInput
from records import blocks, consents
from records.choices import BlockAction, Category, ConsentForm
from records.models import Block
from records.views_moderation import EvidenceFormPage
from records.visitor_notice import VISITOR_NOTICE_EN, VISITOR_NOTICE_SV

logger = logging.getLogger(__name__)


# Blocking log


class BlockForm(forms.Form):
    visitor = forms.CharField(
        label=_("Visitor's public identity on the platform"),
        max_length=200,
        help_text=_("The name or handle the platform shows, e.g. @name."),
    )
    visitor_url = forms.URLField(label=_("Link to the visitor's profile"), max_length=500, required=False)
    action = forms.ChoiceField(label=_("Action"), choices=BlockAction.choices, initial=BlockAction.BLOCK)
    reason = forms.ChoiceField(label=_("Reason (CONT-1 or the account's rules)"), choices=Category.choices)
    reason_note = forms.CharField(
        label=_("Note on the reason"),
        max_length=500,
        required=False,
        help_text=_(
            "Required for a breach of the account's rules: say which rule. Do not repeat the visitor's posts here."
        ),
    )
    blocked_at = forms.DateTimeField(
        label=_("When the visitor was blocked"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["blocked_at"].initial = lambda: timezone.now().replace(second=0, microsecond=0)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "visitor", "visitor_url", "action", "reason", "reason_note", "blocked_at", Submit("record", _("Record"))
        )

    def clean(self):
        data = super().clean()
        if data.get("reason") == Category.ACCOUNT_RULES and not data.get("reason_note", "").strip():
            self.add_error("reason_note", _("Say which of the account's rules the visitor broke."))
        return data


class BlockListView(EvidenceFormPage):
    """An account's blocking log and the form to record a block (403 for those who may only read)."""

    form_class = BlockForm
    template_name = "records/block_list.html"
    success_message = _("The block was recorded.")
    may_write = staticmethod(blocks.can_write_blocks)

    def perform(self, form):
        return blocks.block_record(actor=self.request.user, account_id=self.account.pk, **form.cleaned_data)

    def get_success_url(self):
        return reverse("records:blocks", args=[self.account.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        rows = list(blocks.block_list(account=self.account))
        for block in rows:
            block.review_overdue = blocks.is_review_overdue(block, now)
        context.update(account=self.account, blocks=rows, can_write=self.can_write)
        return context


class _BlockActionView(LoginRequiredMixin, View):
    """A POST-only change to one block: 404 unless the user may see the log, 403 unless they may
    write it; any other refusal is shown as a message."""

    http_method_names = ["post"]
    success_message = ""

    def post(self, request, pk):
        block = get_object_or_404(Block.objects.select_related("account"), pk=pk)
        if not can_see_snapshots(request.user, block.account):
            raise Http404
        try:
            self.perform(block)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, self.success_message)
        return redirect("records:blocks", pk=block.account_id)


class BlockReviewView(_BlockActionView):
    success_message = _("The block was reviewed and kept.")

    def perform(self, block):
        blocks.block_review(actor=self.request.user, block_id=block.pk)


class BlockUnblockView(_BlockActionView):
    success_message = _("The visitor was unblocked. The block stays in the log.")

    def perform(self, block):
        blocks.block_unblock(actor=self.request.user, block_id=block.pk)


# Media consent register


class MediaConsentForm(forms.Form):
    """Record a consent. clean_document checks the file once and hands on a CheckedFile, so a
    hostile file is a form error and nothing is written."""

    subject = forms.CharField(
        label=_("Person or group"),
        max_length=200,
        help_text=_("For a group, describe it, e.g. “the audience at the lecture”."),
    )
    consent_form = forms.ChoiceField(label=_("Form of consent"), choices=ConsentForm.choices)
    given_on = forms.DateField(label=_("Date of the consent"), widget=DateInput)
    publication = forms.CharField(
        label=_("Publication"), max_length=300, help_text=_("Where and when the photo or film is published.")
    )
    photographer = forms.CharField(label=_("Photographer"), max_length=200)
    credit = forms.CharField(
        label=_("Credit"),
        max_length=200,
        help_text=_("How the photographer is credited, or that it was agreed not to credit them (MEDIA-3)."),
    )
    photographer_consents = forms.BooleanField(
        label=_("The photographer agrees to publication in social media (MEDIA-3)"),
        error_messages={"required": consents.PHOTOGRAPHER_MUST_CONSENT},
    )
    document = forms.FileField(
        label=_("Written consent"),
        required=False,
        help_text=_("Optional: a PDF, or a PNG, JPEG or WebP image; at most 10 MB. Image metadata is removed."),
        widget=forms.FileInput(attrs={"accept": ",".join((*IMAGE_CONTENT_TYPES, PDF_CONTENT_TYPE))}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_on"].initial = timezone.localdate
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "subject",
            "consent_form",
            "given_on",
            "publication",
            "photographer",
            "credit",
            "photographer_consents",
            "document",
            Submit("record", _("Record")),
        )

    def clean_given_on(self):
        given_on = self.cleaned_data["given_on"]
        if given_on > timezone.localdate():
            raise forms.ValidationError(_("The date of the consent cannot be in the future."))
        return given_on

    def clean_document(self):
        document = self.cleaned_data.get("document")
        return checked_upload(document) if document else None


class ConsentListView(EvidenceFormPage):
    """An account's media consents and the form to record one (403 for those who may only read)."""

    form_class = MediaConsentForm
    template_name = "records/consent_list.html"
    success_message = _("The consent was recorded.")
    may_write = staticmethod(consents.can_write_consents)

    def perform(self, form):
        data = dict(form.cleaned_data)
        data["form"] = data.pop("consent_form")
        return consents.consent_record(actor=self.request.user, account_id=self.account.pk, **data)

    def get_success_url(self):
        return reverse("records:consents", args=[self.account.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            account=self.account,
            consents=consents.consent_list(account=self.account),
            can_write=self.can_write,
        )
        return context


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
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


# Visitor notice


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


urlpatterns = [
    path("accounts/<int:pk>/blocks/", BlockListView.as_view(), name="blocks"),
    path("blocks/<int:pk>/review/", BlockReviewView.as_view(), name="block-review"),
    path("blocks/<int:pk>/unblock/", BlockUnblockView.as_view(), name="block-unblock"),
    path("accounts/<int:pk>/consents/", ConsentListView.as_view(), name="consents"),
    path("consents/<int:pk>/document/", ConsentDocumentView.as_view(), name="consent-document"),
    path("accounts/<int:pk>/visitor-notice/", VisitorNoticeView.as_view(), name="visitor-notice"),
]
