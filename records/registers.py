"""The records' registers across accounts (issue 14, accounts.registers): removed posts,
questions and comments, blocks, media consents and requests for public records, each with one
FilterSet shared by its page, its API endpoint (records.api) and its export (reports.registers);
and the queues of the registrar and the communications department.

Scope: removed posts, questions, blocks and consents are evidence, seen by those who may see the
account's evidence (SocialAccount.objects.with_evidence_for, as on the account's own pages);
requests for public records by those who handle or audit them (permissions.can_see_requests).
The queues' states are the conditions of the rules that flag the same records (records.rules,
records.blocks), on the accounts the rules govern, so that a queue and its rule never disagree.
"""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.querysets import evidence_condition
from accounts.registers import Queue, RecordFilter, Register, queue_add, register_add
from core.widgets import Select
from monitoring.rules import ungoverned
from org import roles
from records import permissions, services
from records.blocks import review_due
from records.choices import BlockAction, Category, ConsentForm, HandOff, InquiryKind, RequestStatus
from records.models import AWAITING, Block, Incident, Inquiry, MediaConsent, RecordsRequest
from records.rules import overdue_inquiries, unregistered_incidents

AWAITING_REFERENCE = AWAITING


def _evidence_records(model, user):
    # The records of the accounts whose evidence the user may see: for comms, auditors and
    # registrars every record, with no condition on the accounts at all (issue 12).
    return model.objects.filter(evidence_condition(user, "account"))


def _on_governed(condition: Q) -> Q:
    # The rules look only at governed (active) accounts: so do their queues.
    return condition & ~Q(account__in=ungoverned().values("pk"))


class _StateFilter(django_filters.ChoiceFilter):
    """A state among the kind's `states`: {value: (label, condition(now) -> Q)}."""

    def __init__(self, states: dict, **kwargs):
        self.states = states
        choices = [(value, label) for value, (label, _condition) in states.items()]
        super().__init__(label=_("State"), choices=choices, widget=Select, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(self.states[value][1](timezone.now()))


def _sort(fields: dict, labels: dict):
    return django_filters.OrderingFilter(label=_("Sort by"), fields=fields, field_labels=labels)


_ACCOUNT_SORT = {"account__name": "account"}
_ACCOUNT_LABEL = {"account__name": _("Account")}

# --------------------------------------------------------------------------- removed posts

INCIDENT_STATES = {
    "pending": (_("Not handed off"), lambda now: Q(hand_off="")),
    "unregistered": (
        _("Not registered in time (rule incident-unregistered)"),
        lambda now: _on_governed(unregistered_incidents(now)),
    ),
    "awaiting_reference": (_("Sent to the registry, no reference number yet"), lambda now: AWAITING_REFERENCE),
    "registered": (_("Registered with a reference number"), lambda now: ~Q(registry_reference="")),
    "archived": (_("Kept in the portal's archive"), lambda now: Q(hand_off=HandOff.ARCHIVE)),
}


class IncidentRegisterFilter(RecordFilter):
    """Removed posts (CONT-1/2, REC-3/4) by unit, account, platform, day removed, state, category."""

    date_field = "removed_at"
    state = _StateFilter(INCIDENT_STATES)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices, widget=Select)
    sort = _sort(
        {"removed_at": "removed", **_ACCOUNT_SORT, "category": "category"},
        {"removed_at": _("Removed"), **_ACCOUNT_LABEL, "category": _("Category")},
    )


def incident_register(user):
    return (
        _evidence_records(Incident, user)
        .select_related("account__platform", "account__unit")
        .order_by("-removed_at", "-id")
    )


# --------------------------------------------------------------------------- questions

INQUIRY_STATES = {
    "open": (_("Unanswered"), lambda now: Q(answered_at__isnull=True)),
    "overdue": (
        _("Unanswered past the due time (rule inquiry-overdue)"),
        lambda now: _on_governed(overdue_inquiries(now)),
    ),
    "answered": (_("Answered"), lambda now: Q(answered_at__isnull=False)),
    "awaiting_reference": (_("Sent to the registry, no reference number yet"), lambda now: AWAITING_REFERENCE),
    "registered": (_("Registered with a reference number"), lambda now: ~Q(registry_reference="")),
}


class InquiryRegisterFilter(RecordFilter):
    """Questions and comments (ANS-1..3, REC-2/3) by unit, account, platform, day received,
    state and kind."""

    date_field = "received_at"
    state = _StateFilter(INQUIRY_STATES)
    category = django_filters.ChoiceFilter(
        label=_("Kind"), field_name="kind", choices=InquiryKind.choices, widget=Select
    )
    sort = _sort(
        {"received_at": "received", "due_at": "due", **_ACCOUNT_SORT},
        {"received_at": _("Received"), "due_at": _("Due"), **_ACCOUNT_LABEL},
    )


def inquiry_register(user):
    return (
        _evidence_records(Inquiry, user)
        .select_related("account__platform", "account__unit")
        .order_by("-received_at", "-id")
    )


# --------------------------------------------------------------------------- blocks

BLOCK_STATES = {
    "in_force": (_("In force"), lambda now: Q(unblocked_at__isnull=True)),
    "review_due": (
        _("Due for review (rule block-unreviewed)"),
        lambda now: _on_governed(review_due(now)),
    ),
    "unblocked": (_("Unblocked"), lambda now: Q(unblocked_at__isnull=False)),
}


class BlockRegisterFilter(RecordFilter):
    """Blocks (CONT-1, REC-1) by unit, account, platform, day blocked, state, reason and action."""

    date_field = "blocked_at"
    state = _StateFilter(BLOCK_STATES)
    category = django_filters.ChoiceFilter(
        label=_("Reason"), field_name="reason", choices=Category.choices, widget=Select
    )
    action = django_filters.ChoiceFilter(label=_("Action"), choices=BlockAction.choices, widget=Select)
    sort = _sort(
        {"blocked_at": "blocked", "reviewed_at": "reviewed", **_ACCOUNT_SORT},
        {"blocked_at": _("Blocked"), "reviewed_at": _("Last reviewed"), **_ACCOUNT_LABEL},
    )


def block_register(user):
    return (
        _evidence_records(Block, user)
        .select_related("account__platform", "account__unit")
        .order_by("-blocked_at", "-id")
    )


# --------------------------------------------------------------------------- media consents

CONSENT_STATES = {
    "document": (_("With the written consent stored"), lambda now: ~Q(document="")),
    "no_document": (_("Without a stored document"), lambda now: Q(document="")),
    # MEDIA-1: a withdrawn consent stays in the register, marked withdrawn (issue 15).
    "in_force": (_("In force"), lambda now: Q(withdrawn_on__isnull=True)),
    "withdrawn": (_("Withdrawn"), lambda now: Q(withdrawn_on__isnull=False)),
}


class ConsentRegisterFilter(RecordFilter):
    """Media consents (MEDIA-1..3) by unit, account, platform, date, state (document stored, in
    force or withdrawn) and form of consent."""

    date_field = "given_on"
    date_is_datetime = False
    state = _StateFilter(CONSENT_STATES)
    category = django_filters.ChoiceFilter(
        label=_("Form of consent"), field_name="form", choices=ConsentForm.choices, widget=Select
    )
    sort = _sort(
        {"given_on": "date", **_ACCOUNT_SORT},
        {"given_on": pgettext_lazy("sort", "Date"), **_ACCOUNT_LABEL},
    )


def consent_register(user):
    return (
        _evidence_records(MediaConsent, user)
        .select_related("account__platform", "account__unit")
        .order_by("-given_on", "-id")
    )


# --------------------------------------------------------------------------- records requests


class RequestRegisterFilter(RecordFilter):
    """Requests for public records (REC-1) by unit, account and platform of any of their
    accounts, day received and status."""

    account_path = "accounts"
    date_field = "received_at"
    state = django_filters.ChoiceFilter(
        label=_("State"), field_name="status", choices=RequestStatus.choices, widget=Select
    )
    sort = _sort(
        {"received_at": "received", "requester": "requester"},
        {"received_at": _("Received"), "requester": _("Requester")},
    )


def request_register(user):
    """Requests for public records, for those who may see them (none for anyone else). Their
    accounts are read by the table in one more query (prefetch)."""
    if not permissions.can_see_requests(user):
        return RecordsRequest.objects.none()
    return RecordsRequest.objects.prefetch_related("accounts").order_by("-received_at", "-id")


# --------------------------------------------------------------------------- registration


def _set_incident_reference(*, actor, record_id, reference):
    return services.incident_reference_set(actor=actor, incident_id=record_id, reference=reference)


def _set_inquiry_reference(*, actor, record_id, reference):
    return services.inquiry_reference_set(actor=actor, inquiry_id=record_id, reference=reference)


def _is_registrar(user) -> bool:
    return roles.is_registrar(user)


def _is_comms(user) -> bool:
    return roles.is_comms(user)


def setup() -> None:
    """Add the records' registers and queues (RecordsConfig.ready)."""
    register_add(
        Register(
            "removed-posts",
            _("Removed posts"),
            IncidentRegisterFilter,
            incident_register,
            "registers/includes/_incidents.html",
            description=_("Posts and comments removed from the accounts you may see (CONT-1/2, REC-3/4)."),
            may_set_reference=permissions.can_set_reference_in_register,
            set_reference=_set_incident_reference,
        )
    )
    register_add(
        Register(
            "questions",
            _("Questions and comments"),
            InquiryRegisterFilter,
            inquiry_register,
            "registers/includes/_inquiries.html",
            description=_("Questions and comments that need action, with their due times (ANS-1..3, REC-2/3)."),
            may_set_reference=permissions.can_set_reference_in_register,
            set_reference=_set_inquiry_reference,
        )
    )
    register_add(
        Register(
            "blocks",
            _("Blocks"),
            BlockRegisterFilter,
            block_register,
            "registers/includes/_blocks.html",
            description=_("Visitors blocked or muted, and their reviews (CONT-1, REC-1)."),
        )
    )
    register_add(
        Register(
            "media-consents",
            _("Media consents"),
            ConsentRegisterFilter,
            consent_register,
            "registers/includes/_consents.html",
            description=_("Consents to publish photos and film (MEDIA-1..3)."),
        )
    )
    register_add(
        Register(
            "records-requests",
            _("Requests for public records"),
            RequestRegisterFilter,
            request_register,
            "registers/includes/_requests.html",
            description=_("Requests for public records and their legal holds (REC-1)."),
            may_see=permissions.can_see_requests,
        )
    )
    # The registrar's queues: sent to the registry, no reference number yet (REC-4).
    queue_add(
        Queue(
            "registrar-removed-posts",
            _("Removed posts awaiting a reference number"),
            "removed-posts",
            {"state": "awaiting_reference"},
            _is_registrar,
        )
    )
    queue_add(
        Queue(
            "registrar-questions",
            _("Questions awaiting a reference number"),
            "questions",
            {"state": "awaiting_reference"},
            _is_registrar,
        )
    )
    # The communications department's queues: what the rules flag, record by record.
    queue_add(Queue("questions-overdue", _("Questions overdue"), "questions", {"state": "overdue"}, _is_comms))
    queue_add(
        Queue(
            "removed-posts-unregistered",
            _("Removed posts not registered"),
            "removed-posts",
            {"state": "unregistered"},
            _is_comms,
        )
    )
    queue_add(Queue("blocks-review-due", _("Blocks due for review"), "blocks", {"state": "review_due"}, _is_comms))
