"""Pages for an account's removed posts (CONT-1/2, REC-3/4) and questions and comments (ANS-1..3,
REC-2/3), the response-time figures of a unit, and the moderation panel on the account page.

Who sees what: the pages are records and evidence, so they answer 404 to anyone who may not see
the account's screenshots (accounts.snapshots.can_see_snapshots), including a logged-in user who
sees the account only because it is public. Those who may see them but not record (auditors) get
403 for every write. Who may do what is records.permissions' to say: the pages show a button by
the same predicate that records.services uses, inside its transaction, to refuse. The services'
refusals are translated by core.middleware and core.views. Pages that show evidence are never
stored by a cache (EVIDENCE_NO_STORE).
"""

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.generic import FormView, TemplateView

from accounts.selectors import registry_email_for, social_account_within_reach
from accounts.snapshots import snapshot_account_get
from core.pagination import paginate
from core.views import ServiceActionView, ServiceFormMixin
from org.calendar import STOCKHOLM
from org.selectors import unit_list
from records import extensions, permissions, selectors, services
from records.choices import Category, HandOff
from records.forms_moderation import HandOffForm, IncidentForm, InquiryAnswerForm, InquiryForm, ReferenceForm
from records.models import Incident, Inquiry

# Evidence is never kept by a shared cache or the browser's: a class view decorated with this
# answers "Cache-Control: private, no-store" (so do its redirects after a POST).
EVIDENCE_NO_STORE = method_decorator(cache_control(private=True, no_store=True), name="dispatch")


def _due_by_end_of(due: datetime.datetime) -> datetime.date | None:
    """The day a due time of 00:00 ends, for saying "by the end of Monday" beside "Tuesday 00:00"."""
    local = timezone.localtime(due, STOCKHOLM)
    return local.date() - datetime.timedelta(days=1) if local.time() == datetime.time.min else None


@EVIDENCE_NO_STORE
class EvidenceFormPage(LoginRequiredMixin, ServiceFormMixin, FormView):
    """An account's evidence page with a form to add to it (removed posts, questions, blocks,
    consents): 404 unless the user may see the account's evidence (accounts.snapshots), 403 for a
    POST from someone who may only look. Subclasses say who may write with `may_write`, a
    predicate of records.permissions."""

    may_write = staticmethod(permissions.can_record)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.account = snapshot_account_get(user=request.user, pk=kwargs["pk"])
            self.can_write = self.may_write(request.user, self.account)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.can_write:
            raise PermissionDenied
        return super().post(request, *args, **kwargs)


class _RecordsPage(EvidenceFormPage):
    """Removed posts and questions: owners, deputies, managers and comms record them."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(account=self.account, may_record=self.can_write)
        return context


class IncidentListView(_RecordsPage):
    """The account's removed posts, their hand-off to the registry, and the form to log one."""

    form_class = IncidentForm
    template_name = "records/incident_list.html"
    success_message = _("The removed post was logged with its screenshots. Hand it to the registry or the archive.")

    def perform(self, form):
        return services.incident_log(actor=self.request.user, account_id=self.account.pk, **form.service_data())

    def get_success_url(self):
        return reverse("records:incidents", args=[self.account.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_obj"] = page = paginate(self.request, selectors.incident_list(account=self.account))
        context.update(
            incidents=page.object_list,
            registry_email=registry_email_for(self.account) if self.can_write else "",
            HandOff=HandOff,
            rules_category=Category.ACCOUNT_RULES,
        )
        return context


class InquiryListView(_RecordsPage):
    """The account's questions and comments: open ones first, most urgent first, each with a form
    to record the answer; then those answered. With the response-time figures and the rule."""

    form_class = InquiryForm
    template_name = "records/inquiry_list.html"
    success_message = _("The question was logged.")

    def perform(self, form):
        inquiry = services.inquiry_log(actor=self.request.user, account_id=self.account.pk, **form.service_data())
        if inquiry.routed_to:
            messages.info(
                self.request,
                _("It was routed to %(manager)s, the responsible manager (ANS-2).") % {"manager": inquiry.routed_to},
            )
        return inquiry

    def get_success_url(self):
        return reverse("records:inquiries", args=[self.account.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, now = self.request.user, timezone.now()
        inquiries = selectors.inquiry_list(account=self.account)
        # Two lists, each a page at a time: the open ones (most urgent first) and those answered.
        open_page = paginate(
            self.request, inquiries.filter(answered_at__isnull=True).order_by("due_at", "pk"), param="open"
        )
        open_inquiries = list(open_page.object_list)
        for inquiry in open_inquiries:
            inquiry.overdue = inquiry.is_overdue(now)
            inquiry.due_by_end_of = _due_by_end_of(inquiry.due_at)
            # The manager a criticism was routed to may answer it too (ANS-2). Whoever may record
            # the account's questions may answer every one of them: no need to ask again.
            inquiry.account = self.account
            if self.can_write or permissions.can_answer(user, inquiry):
                inquiry.answer_form = InquiryAnswerForm(auto_id=f"id_answer{inquiry.pk}_%s")
        context["page_obj"] = page = paginate(self.request, inquiries.filter(answered_at__isnull=False))
        answered = list(page.object_list)
        for inquiry in answered:
            inquiry.within_rule = inquiry.answered_at <= inquiry.due_at
            inquiry.due_by_end_of = _due_by_end_of(inquiry.due_at)
        context.update(
            open_page=open_page,
            open_inquiries=open_inquiries,
            answered_inquiries=answered,
            figures=selectors.response_figures(Inquiry.objects.filter(account=self.account), now=now),
            registry_email=registry_email_for(self.account) if self.can_write else "",
        )
        return context


class _RecordAction(LoginRequiredMixin, ServiceActionView):
    """A POST-only action on one record of an account: 404 unless the user may see the account's
    records, 403 unless they may act (`allowed`, a predicate of records.permissions), one service
    call; any other refusal becomes a message on the list, at the record."""

    model = None
    list_name = ""
    allowed = staticmethod(permissions.can_hand_off)

    def prepare(self):
        self.account = selectors.records_account_get(user=self.request.user, pk=self.kwargs["pk"])
        self.record = get_object_or_404(self.model.objects.filter(account=self.account), pk=self.kwargs["record_pk"])
        self.record.account = self.account  # the same row, already read with its unit
        if not self.allowed(self.request.user, self.record):
            raise PermissionDenied

    def get_redirect_url(self):
        return reverse(self.list_name, args=[self.account.pk]) + f"#{self.model._meta.model_name}-{self.record.pk}"


# Removed posts and questions are handed off and numbered the same way (records.services).
HAND_OFF = {
    Incident: lambda actor, pk, to: services.incident_hand_off(actor=actor, incident_id=pk, to=to),
    Inquiry: lambda actor, pk, to: services.inquiry_hand_off(actor=actor, inquiry_id=pk, to=to),
}
REFERENCE_SET = {
    Incident: lambda actor, pk, ref: services.incident_reference_set(actor=actor, incident_id=pk, reference=ref),
    Inquiry: lambda actor, pk, ref: services.inquiry_reference_set(actor=actor, inquiry_id=pk, reference=ref),
}


class RecordHandOffView(_RecordAction):
    """Send a record to the registry or keep it in the archive; `model` and `list_name` per URL."""

    form_class = HandOffForm

    def perform(self, form):
        to = form.cleaned_data["to"]
        HAND_OFF[self.model](self.request.user, self.record.pk, to)
        self.success_message = (
            _("The record was queued for e-mail to the registry. Enter the reference number when it comes back.")
            if to == HandOff.REGISTRY
            else _("The record is kept in the portal's archive.")
        )


class RecordReferenceView(_RecordAction):
    form_class = ReferenceForm
    success_message = _("The reference number was saved.")
    allowed = staticmethod(permissions.can_set_reference)

    def perform(self, form):
        REFERENCE_SET[self.model](self.request.user, self.record.pk, form.cleaned_data["reference"])


class InquiryAnswerView(_RecordAction):
    model = Inquiry
    form_class = InquiryAnswerForm
    list_name = "records:inquiries"
    success_message = _("The answer was recorded.")
    allowed = staticmethod(permissions.can_answer)

    def perform(self, form):
        services.inquiry_answer(actor=self.request.user, inquiry_id=self.record.pk, **form.cleaned_data)


# The record PDFs to download: the export service and the file's name, by the record's model.
RECORD_EXPORT = {
    Incident: (
        lambda actor, pk, language: services.incident_record_export(actor=actor, incident_id=pk, language=language),
        "kipolicy_removed_post",
    ),
    Inquiry: (
        lambda actor, pk, language: services.inquiry_record_export(actor=actor, inquiry_id=pk, language=language),
        "kipolicy_question",
    ),
}


@EVIDENCE_NO_STORE
class RecordPdfView(LoginRequiredMixin, View):
    """The dated record of a removed post or a question, with its screenshots, as a PDF: for those
    who may see the account's evidence (404 otherwise, and for a record of another account).
    `model` per URL."""

    model = Incident

    def get(self, request, pk, record_pk):
        account = selectors.records_account_get(user=request.user, pk=pk)
        record = get_object_or_404(self.model.objects.filter(account=account), pk=record_pk)
        export, stem = RECORD_EXPORT[self.model]
        pdf = export(request.user, record.pk, get_language())
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{stem}_{record.pk}.pdf"'
        return response


@EVIDENCE_NO_STORE  # figures drawn from the unit's questions and comments
class UnitInquiryFiguresView(LoginRequiredMixin, TemplateView):
    """Response-time figures (ANS-1) for a unit's subtree and for each of its accounts: for the
    communications department, auditors and the unit's responsible managers; 403 for others. The
    subtree's figures are the current half year's from the report's nightly figures when kept
    (records.extensions; the page says as of when), the accounts' table is live."""

    template_name = "records/inquiry_unit.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.unit = get_object_or_404(unit_list(user=request.user), pk=kwargs["pk"])
            if not permissions.can_see_unit_figures(request.user, self.unit):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, now = self.request.user, timezone.now()
        inquiries = selectors.unit_inquiries(user=user, unit=self.unit)
        # The unit's accounts a page at a time, each with its figures (one query for the page).
        # Every account of the subtree is the user's to see (dispatch): no visibility test
        # (visible_in_unit), and a bounded count ("more than 1 000"), not an exact count (issue 12).
        accounts = social_account_within_reach(user=user).visible_in_unit(user, self.unit)
        accounts = accounts.prefetch_related(None).order_by("name", "pk")
        page = paginate(self.request, accounts, bounded=True)
        accounts = list(page.object_list)
        by_account = selectors.response_figures_by_account(
            Inquiry.objects.filter(account__in=[a.pk for a in accounts]), now=now
        )
        # The unit's own figures from the nightly report figures (one row, as of their time) when
        # kept, else counted over every question of the subtree (issue 12).
        figures = extensions.kept_unit_figures(self.unit, now) or selectors.response_figures(inquiries, now=now)
        context.update(
            unit=self.unit,
            figures=figures,
            page_obj=page,
            rows=[(account, by_account.get(account.pk)) for account in accounts],
        )
        return context


def moderation_panel(request, account):
    """accounts.extensions detail panel: removed posts not yet handed off, open and overdue
    questions, and links to the two pages. Only for those who may see the account's evidence."""
    if not permissions.can_see_evidence(request.user, account):
        return None
    return "records/includes/_moderation_panel.html", {
        "account": account,
        **selectors.moderation_summary(account=account),
    }


def unit_inquiries_panel(request, unit):
    """org.extensions unit panel: the link to the unit's response times, for those who may see them."""
    if not permissions.can_see_unit_figures(request.user, unit):
        return None
    return "records/includes/_unit_inquiries_link.html", {"unit": unit}
