from typing import NamedTuple

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import CreateView, DetailView, TemplateView, UpdateView

from accounts import extensions, registers
from accounts.choices import AccountStatus, SenderCheck
from accounts.forms import AddressForm
from accounts.models import Handover
from accounts.selectors import people_of, social_account_list, social_account_within_reach
from accounts.services import (
    EDITABLE_REQUEST_STATUSES,
    deputy_change,
    handover_answer,
    handover_propose,
    sender_checklist_confirm,
    sender_checklist_items,
    sender_checklist_state,
    social_account_details_change,
    social_account_draft_create,
    social_account_draft_update,
)
from approvals import permissions, selectors, services
from approvals.choices import DecommissionCheck, Outcome
from approvals.duplicates import likely_duplicates
from approvals.forms import (
    DECISION_ACTIONS,
    AnswerForm,
    BulkRetroactiveForm,
    ChecklistForm,
    DecisionForm,
    PersonForm,
    ReasonForm,
    ReferenceForm,
    RequestForm,
    SubmitForm,
)
from approvals.models import Decision
from approvals.records import decision_record_pdf
from core.exceptions import ApplicationError, NotAllowed
from core.pagination import bounded_count, paginate
from core.views import ServiceActionView, ServiceFormMixin

S = AccountStatus


# The to-do page shows this many of each section, with a link to the whole section.
TODO_LATEST = 10
# The request page of a manager deciding shows this many of the unit's other accounts.
UNIT_ACCOUNTS_SHOWN = 20
# Offers wait for one person's answer, one per account offered: a bound, not a page.
HANDOVERS_SHOWN = 50


class TodoSection(NamedTuple):
    """One section of the to-do page: its key (in the address of the whole section), title, the
    accounts shown, how many there are in all, and the URL name of an account's page. The count
    is a badge like the navigation's queue counts (accounts.registers.QUEUE_COUNT_LIMIT, issue
    12): `more_than` is the limit when there are more, and the section's own page counts further."""

    key: str
    title: str
    accounts: list
    total: int
    url_name: str
    more_than: int | None = None


def _section(key, title, qs, url_name, count_from=None) -> TodoSection:
    # At most QUEUE_COUNT_LIMIT + 1 rows read, through the section's index, whatever waits in the
    # manager's units (count_from: a cheaper queryset of the same accounts, one row each).
    limit = registers.QUEUE_COUNT_LIMIT
    total = bounded_count(qs if count_from is None else count_from, limit)
    more_than = limit if total > limit else None
    return TodoSection(key, title, list(qs[:TODO_LATEST]), total, url_name, more_than)


def _todo_sections(user) -> list[tuple]:
    """(key, title, queryset, URL name[, count_from]) of every section, this floor's and those of
    higher floors (accounts.extensions.todo_providers). The querysets shed the inventory's
    prefetch of owners and deputies: the to-do page does not show them."""
    todo = selectors.todo_for(user=user)
    detail = "approvals:detail"
    sections = [
        ("my_requests", _("Your requests to finish and send"), todo["my_requests"], detail),
        ("to_decide", _("Requests for you to decide (START-1)"), todo["to_decide"], detail),
        ("retroactive", _("Existing accounts for you to approve retroactively"), todo["retroactive"], detail),
        (
            "to_sign_off",
            _("Requests for the communications department to sign off (START-2)"),
            todo["to_sign_off"],
            detail,
        ),
        ("to_go_live", _("Approved accounts to set up and put live"), todo["to_go_live"], detail),
        ("decommissioning", _("Accounts being decommissioned"), todo["decommissioning"], detail),
        *(provider(user) for provider in extensions.todo_providers),
    ]
    return [(key, title, qs.prefetch_related(None), url_name, *rest) for key, title, qs, url_name, *rest in sections]


class TodoView(LoginRequiredMixin, TemplateView):
    """Everything that waits for the user: requests to finish, to decide, to sign off, to put live.
    Each section shows its first TODO_LATEST accounts and how many there are, up to "more than 99"
    (two queries however many wait), with a link to the whole section a page at a time."""

    template_name = "approvals/todo.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["handovers"] = (
            Handover.objects.filter(to_person=self.request.user, status="pending")
            .select_related("account__platform", "requested_by")
            .order_by("created_at", "pk")[:HANDOVERS_SHOWN]
        )
        context["sections"] = [_section(*section) for section in _todo_sections(self.request.user)]
        context["latest"] = TODO_LATEST
        return context


class TodoSectionView(LoginRequiredMixin, TemplateView):
    """One section of the to-do page in full, a page at a time (404 for a section that is not one)."""

    template_name = "approvals/todo_section.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = [s for s in _todo_sections(self.request.user) if s[0] == kwargs["section"]]
        if not found:
            raise Http404
        key, title, qs, url_name = found[0][:4]
        context.update(key=key, title=title, url_name=url_name, page_obj=paginate(self.request, qs, bounded=True))
        return context


class RetroactiveBulkView(LoginRequiredMixin, View):
    """The manager's existing (imported) accounts that await a retroactive approval, a page at a
    time with a checkbox each; one decision for the ticked ones (issue 13, START-1, RESP-1).

    The accounts posted must all be among those the user may see (404 otherwise, nothing
    written); services.retroactive_decide_many refuses (403) an account they may not decide and
    records nothing unless it records every decision."""

    template_name = "approvals/retroactive_bulk.html"

    def _pending(self):
        return selectors.todo_for(user=self.request.user)["retroactive"]

    def _render(self, form, selected=(), status=200):
        # "More than 1 000" past the bound, not an exact count of the units' accounts (issue 12).
        page = paginate(self.request, self._pending(), bounded=True)
        return render(
            self.request,
            self.template_name,
            {"form": form, "page_obj": page, "accounts": page.object_list, "selected": set(selected)},
            status=status,
        )

    def get(self, request):
        return self._render(BulkRetroactiveForm())

    def post(self, request):
        raw = request.POST.getlist("accounts")
        if not all(v.isdigit() and len(v) <= 18 for v in raw):
            raise Http404
        ids = {int(v) for v in raw}
        if len(ids) != social_account_list(user=request.user).filter(pk__in=ids).count():
            raise Http404  # an account the user may not see: refused as a whole
        form = BulkRetroactiveForm(request.POST)
        if not ids:
            form.add_error(None, _("Select at least one account."))
        if not form.is_valid():
            return self._render(form, ids)
        try:
            decisions = services.retroactive_decide_many(
                actor=request.user,
                account_ids=ids,
                outcome=form.cleaned_data["outcome"],
                comment=form.cleaned_data["comment"],
            )
        except NotAllowed:
            raise  # core.middleware answers 403
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self._render(form, ids)
        count = len(decisions)
        messages.success(
            request,
            ngettext(
                "Your decision was recorded for %(count)s account.",
                "Your decision was recorded for %(count)s accounts.",
                count,
            )
            % {"count": count},
        )
        return redirect(request.get_full_path())


class RequestCreateView(LoginRequiredMixin, ServiceFormMixin, CreateView):
    form_class = RequestForm
    template_name = "approvals/request_form.html"
    success_message = _("The request was saved as a draft.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_request(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"owner": self.request.user}

    def perform(self, form):
        return social_account_draft_create(actor=self.request.user, **form.service_data())

    def get_success_url(self):
        return reverse("approvals:detail", args=[self.object.pk])


class RequestUpdateView(LoginRequiredMixin, ServiceFormMixin, UpdateView):
    form_class = RequestForm
    template_name = "approvals/request_form.html"
    success_message = _("The request was saved.")

    def get_queryset(self):
        return social_account_list(user=self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            account = self.get_object()
            if not permissions.is_requester(request.user, account):
                raise PermissionDenied
            if account.status not in EDITABLE_REQUEST_STATUSES:
                raise Http404  # a sent, decided or rejected request has no edit page
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return people_of(self.object)

    def perform(self, form):
        return social_account_draft_update(actor=self.request.user, account_id=self.object.pk, **form.service_data())

    def get_success_url(self):
        return reverse("approvals:detail", args=[self.object.pk])


class RequestDetailView(LoginRequiredMixin, DetailView):
    """The account's approval and lifecycle page: the request, its decisions, and the action the
    user may take in the current state."""

    template_name = "approvals/request_detail.html"
    context_object_name = "account"

    def get_queryset(self):
        return social_account_list(user=self.request.user).select_related("created_by", "partner")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        account, user = self.object, self.request.user
        status = account.status
        may = permissions.actions(user, account)
        context.update(
            may=may,
            people=people_of(account),
            submissions=account.submissions.select_related("submitted_by").order_by("created_at"),
            decisions=selectors.decisions_of(account),
            retro_pending=selectors.retroactive_pending(account),
            pending_handover=account.handovers.filter(status="pending").select_related("to_person").first(),
            handover_form=PersonForm(auto_id="handover-%s"),
            deputy_form=PersonForm(auto_id="deputy-%s"),
            submit_form=SubmitForm(),
            decision_form=DecisionForm(initial={"seen_status": status}),
            retro_form=DecisionForm(initial={"seen_status": status}),
            address_form=AddressForm(account=account, initial={"name": account.name, "url": account.url}),
            reason_form=ReasonForm(),
        )
        context["retro_form"].fields["outcome"].choices = [c for c in DECISION_ACTIONS if c[0] != Outcome.RETURN]
        if may["decide"]:
            # The first of the unit's other accounts, and how many there are: the inventory,
            # filtered by the unit, lists them all. The deciding manager manages the unit, so
            # all of them are visible to them (visible ∧ managed = managed): no visibility test
            # (issue 12).
            unit_accounts = (
                social_account_within_reach(user=user)
                .in_unit(account.unit)
                .exclude(pk=account.pk)
                .prefetch_related(None)
                .order_by("name", "pk")
            )
            context["unit_accounts"] = unit_accounts[:UNIT_ACCOUNTS_SHOWN]
            # Counted up to settings.PAGINATION_COUNT_LIMIT ("more than 1 000", issue 12).
            limit = settings.PAGINATION_COUNT_LIMIT
            context["unit_accounts_count"] = count = unit_accounts.order_by()[: limit + 1].count()
            context["unit_accounts_more_than"] = limit if count > limit else None
            context["unit_accounts_shown"] = UNIT_ACCOUNTS_SHOWN
        if may["sign_off"]:
            context["duplicates"] = likely_duplicates(account)
        if may["sender_checklist"]:
            state = sender_checklist_state(account)
            context["sender_state"] = [(SenderCheck(item).label, row) for item, row in state.items()]
            context["sender_form"] = ChecklistForm(
                choices=[(i, SenderCheck(i).label) for i, row in state.items() if row is None]
            )
            context["sender_complete"] = all(state.values())
        if may["decommission"]:
            done = set(account.decommission_confirmations.values_list("item", flat=True))
            items = services.decommission_items(account)
            context["decommission_done"] = [DecommissionCheck(i).label for i in items if i in done]
            context["decommission_form"] = ChecklistForm(
                choices=[(i, DecommissionCheck(i).label) for i in items if i not in done]
            )
        return context


class AccountActionView(LoginRequiredMixin, ServiceActionView):
    """Base of the POST-only state changes: find the account among those the user may see
    (404 otherwise), validate the form, call one service and go back to the request page. A
    refusal for lack of rights is 403 (core.middleware); any other refusal (someone else decided
    first, something missing) is shown as a message."""

    def prepare(self):
        self.account = get_object_or_404(social_account_list(user=self.request.user), pk=self.kwargs["pk"])

    def get_redirect_url(self):
        return reverse("approvals:detail", args=[self.account.pk])


class SubmitView(AccountActionView):
    form_class = SubmitForm
    success_message = _("The request was sent. The communications department has been told and your manager asked.")

    def perform(self, form):
        services.request_submit(actor=self.request.user, account_id=self.account.pk, guidelines_read=True)


class _DecideView(AccountActionView):
    form_class = DecisionForm
    success_message = _("Your decision was recorded.")

    def perform(self, form):
        self.decide(
            actor=self.request.user,
            account_id=self.account.pk,
            outcome=form.cleaned_data["outcome"],
            comment=form.cleaned_data["comment"],
            seen_status=form.cleaned_data["seen_status"],
        )


class ManagerDecideView(_DecideView):
    decide = staticmethod(services.manager_decide)


class CommsDecideView(_DecideView):
    decide = staticmethod(services.comms_decide)


class RetroactiveDecideView(_DecideView):
    decide = staticmethod(services.retroactive_decide)


class AddressView(AccountActionView):
    form_class = AddressForm
    success_message = _("The account's name and address were saved.")

    def get_form(self):
        return AddressForm(self.request.POST, account=self.account)

    def perform(self, form):
        social_account_details_change(actor=self.request.user, account_id=self.account.pk, **form.service_data())


class SenderChecklistView(AccountActionView):
    success_message = _("The checklist was updated.")

    def get_form(self):
        return ChecklistForm(self.request.POST, choices=[(i, i) for i in sender_checklist_items(self.account)])

    def perform(self, form):
        sender_checklist_confirm(actor=self.request.user, account_id=self.account.pk, items=form.cleaned_data["items"])


class GoLiveView(AccountActionView):
    form_class = forms.Form
    success_message = _("The account is now active.")

    def perform(self, form):
        services.account_go_live(actor=self.request.user, account_id=self.account.pk)


class DecommissionStartView(AccountActionView):
    form_class = ReasonForm
    success_message = _("Decommissioning has started. Work through the checklist.")

    def perform(self, form):
        services.decommission_start(
            actor=self.request.user, account_id=self.account.pk, reason=form.cleaned_data["reason"]
        )


class DecommissionChecklistView(AccountActionView):
    success_message = _("The checklist was updated.")

    def get_form(self):
        return ChecklistForm(self.request.POST, choices=[(i, i) for i in services.decommission_items(self.account)])

    def perform(self, form):
        services.decommission_confirm(
            actor=self.request.user, account_id=self.account.pk, items=form.cleaned_data["items"]
        )


class DecisionReferenceView(LoginRequiredMixin, ServiceActionView):
    """The registry's reference number of a decision of an account the user sees (404 otherwise)."""

    form_class = ReferenceForm
    success_message = _("The reference number was saved.")

    def prepare(self):
        visible = Decision.objects.filter(account__in=social_account_list(user=self.request.user))
        self.decision = get_object_or_404(visible, pk=self.kwargs["pk"])

    def perform(self, form):
        services.decision_reference_set(
            actor=self.request.user, decision_id=self.decision.pk, reference=form.cleaned_data["reference"]
        )

    def get_redirect_url(self):
        return reverse("approvals:detail", args=[self.decision.account_id])


class DecisionPdfView(LoginRequiredMixin, View):
    """The decision record as a PDF, for anyone who may see the account."""

    def get(self, request, pk):
        decision = get_object_or_404(
            Decision.objects.filter(account__in=social_account_list(user=request.user)).select_related(
                "account__platform", "account__created_by"
            ),
            pk=pk,
        )
        from django.utils.translation import get_language

        response = HttpResponse(decision_record_pdf(decision, language=get_language()), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="kipolicy_decision_{decision.pk}.pdf"'
        return response


class HandoverProposeView(AccountActionView):
    form_class = PersonForm
    success_message = _("The new owner has been asked to accept the account.")

    def perform(self, form):
        handover_propose(
            actor=self.request.user,
            account_id=self.account.pk,
            to_person=form.cleaned_data["person"],
            note=form.cleaned_data["note"],
        )


class DeputyChangeView(AccountActionView):
    form_class = PersonForm
    success_message = _("The deputy was changed.")

    def perform(self, form):
        deputy_change(actor=self.request.user, account_id=self.account.pk, person=form.cleaned_data["person"])


class HandoverAnswerView(LoginRequiredMixin, ServiceActionView):
    """The offered person accepts or declines. Only they can see the offer (404 for others)."""

    form_class = AnswerForm
    success_message = _("Your answer was recorded.")

    def prepare(self):
        self.handover = get_object_or_404(Handover.objects.filter(to_person=self.request.user), pk=self.kwargs["pk"])

    def perform(self, form):
        handover_answer(actor=self.request.user, handover_id=self.handover.pk, accept=form.cleaned_data["accept"])

    def get_redirect_url(self):
        return reverse("approvals:todo")
