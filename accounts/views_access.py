"""The access page of an account (START-1, PRIV-2, issue 15): everyone with access besides the
owner and deputy, with the forms to add a publisher, confirm or decline one, record a removal and
the owner's yearly review; and the account page's panel. Publishers are evidence: only those who
may see the account's evidence see them (404 for anyone else)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts import access, access_selectors, partners, permissions
from accounts.choices import LIVE_STATUSES, PublisherStatus
from accounts.forms_access import (
    AccessReviewForm,
    PartnerForm,
    PublisherDecisionForm,
    PublisherForm,
    PublisherRemoveForm,
)
from accounts.models import CollaborationPartner, Publisher, SocialAccount
from core.exceptions import ApplicationError, NotAllowed
from core.pagination import paginate

# The panel on the account page lists at most this many; the access page has them all.
PANEL_LIMIT = 10


def _account(request, pk: int) -> SocialAccount:
    """The account, if the user may see its evidence (404 otherwise)."""
    qs = SocialAccount.objects.with_evidence_for(request.user).select_related("platform", "unit")
    return get_object_or_404(qs, pk=pk)


def _publisher(account, publisher_pk: int) -> Publisher:
    publisher = get_object_or_404(
        Publisher.objects.select_related("person", "added_by"), pk=publisher_pk, account=account
    )
    publisher.account = account
    return publisher


def _may(account, user) -> dict:
    live = account.status in LIVE_STATUSES
    return {
        "may_add": account.status in access.OPEN_STATUSES and permissions.can_add_publisher(user, account),
        "may_review": live and permissions.can_review_access(user, account),
    }


def access_panel(request, account):
    """accounts.extensions detail panel: the people with access besides owner and deputy, and when
    the access review is due. Shown to those who may see the account's evidence."""
    if not permissions.can_see_snapshots(request.user, account):
        return None
    current = list(access_selectors.publishers_current(account)[: PANEL_LIMIT + 1])
    latest = account.access_reviews.order_by("-reviewed_at").first()
    return "accounts/includes/_access_panel.html", {
        "account": account,
        "rows": access_selectors.publisher_rows(request.user, account, current[:PANEL_LIMIT]),
        "more": len(current) > PANEL_LIMIT,
        "latest_review": latest,
        "review_due_on": access_selectors.review_due_on(account, latest),
        "today": timezone.localdate(),
        **_may(account, request.user),
    }


@never_cache
@login_required
def access_view(request, pk: int):
    """GET: every publisher the account has had, a page at a time, and its latest access reviews."""
    account = _account(request, pk)
    page = paginate(request, access_selectors.publishers_all(account))
    reviews = list(account.access_reviews.order_by("-reviewed_at")[:5])
    return render(
        request,
        "accounts/access.html",
        {
            "account": account,
            "page_obj": page,
            "rows": access_selectors.publisher_rows(request.user, account, page.object_list),
            "reviews": reviews,
            "review_due_on": access_selectors.review_due_on(account, reviews[0] if reviews else None),
            **_may(account, request.user),
        },
    )


def _form_page(request, account, form, *, title: str, publisher=None, intro: str = ""):
    return render(
        request,
        "accounts/access_form.html",
        {"account": account, "form": form, "title": title, "publisher": publisher, "intro": intro},
    )


def _done(request, account, message: str):
    messages.success(request, message)
    return redirect(reverse("accounts:access", args=[account.pk]))


@never_cache
@login_required
def publisher_add_view(request, pk: int):
    """The owner adds a publisher; the responsible manager is asked to confirm (START-1)."""
    account = _account(request, pk)
    if not _may(account, request.user)["may_add"]:
        raise NotAllowed(_("Only the account owner may give someone access to the account."))
    form = PublisherForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access.publisher_add(actor=request.user, account_id=account.pk, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return _done(request, account, _("Added. The responsible manager is asked to confirm."))
    return _form_page(
        request,
        account,
        form,
        title=_("Give someone access"),
        intro=_("The responsible manager confirms that the person acts for KI, not privately (START-1, PRIV-2)."),
    )


@never_cache
@login_required
def publisher_decide_view(request, pk: int, publisher_pk: int):
    """The responsible manager confirms (recording PRIV-2) or declines a publisher (START-1)."""
    account = _account(request, pk)
    publisher = _publisher(account, publisher_pk)
    if publisher.status != PublisherStatus.PENDING:
        raise Http404
    if not permissions.can_decide_publisher(request.user, publisher):
        raise NotAllowed(_("Only a responsible manager of the account's unit may confirm its publishers."))
    form = PublisherDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access.publisher_decide(actor=request.user, publisher_id=publisher.pk, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            done = _("Access confirmed.") if form.cleaned_data["confirm"] else _("Access declined.")
            return _done(request, account, done)
    return _form_page(request, account, form, title=_("Confirm a publisher"), publisher=publisher)


@never_cache
@login_required
def publisher_remove_view(request, pk: int, publisher_pk: int):
    """Record that the publisher's access on the platform is removed (closes access-not-removed)."""
    account = _account(request, pk)
    publisher = _publisher(account, publisher_pk)
    if publisher.status not in (PublisherStatus.PENDING, PublisherStatus.CONFIRMED):
        raise Http404
    if not permissions.can_record_removal(request.user, account):
        raise NotAllowed(_("Only the account's owner, its deputy or the communications department may do this."))
    form = PublisherRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access.publisher_remove(actor=request.user, publisher_id=publisher.pk, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return _done(request, account, _("The removal of the access is recorded."))
    return _form_page(
        request,
        account,
        form,
        title=_("Record that access is removed"),
        publisher=publisher,
        intro=_("First remove the access on the platform, then record it here."),
    )


@never_cache
@login_required
def access_review_view(request, pk: int):
    """The owner's yearly access review (START-1, access-review-overdue)."""
    account = _account(request, pk)
    if not _may(account, request.user)["may_review"]:
        raise NotAllowed(_("Only the account owner may confirm who has access."))
    form = AccessReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access.access_review_record(actor=request.user, account_id=account.pk, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return _done(request, account, _("The access review is recorded."))
    return _form_page(
        request,
        account,
        form,
        title=_("Review who has access"),
        intro=_(
            "Check on the platform who has access to the account, compare it with the list on the access page, "
            "and remove anyone who no longer needs it or has left KI."
        ),
    )


# The list of collaboration partners (PURP-4), kept by the communications department.


@never_cache
@login_required
def partner_list_view(request, pk: int | None = None):
    """GET: the partners, a page at a time, with the form to add one (or to change the partner
    `pk`). POST: save it. The communications department only; anyone else gets 404."""
    if not partners.can_edit_partners(request.user):
        raise Http404
    partner = get_object_or_404(CollaborationPartner, pk=pk) if pk else None
    initial = (
        {"name": partner.name, "description": partner.description, "is_active": partner.is_active} if partner else None
    )
    form = PartnerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if partner:
                partners.partner_update(actor=request.user, partner_id=partner.pk, **form.cleaned_data)
            else:
                partners.partner_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The list of collaboration partners is saved."))
            return redirect("accounts:partners")
    page = paginate(request, CollaborationPartner.objects.order_by("name", "id"))
    return render(request, "accounts/partner_list.html", {"page_obj": page, "form": form, "partner": partner})


def partner_inventory_action(request) -> list[tuple[str, str]]:
    """accounts.extensions inventory action: the partner list, for the communications department."""
    if partners.can_edit_partners(request.user):
        return [(_("Collaboration partners (PURP-4)"), reverse("accounts:partners"))]
    return []
