"""The register of decision records across accounts (issue 14, accounts.registers): the managers'
decisions, the communications department's sign-offs and retroactive approvals of every account
the user may see (social_account_list: a decision record is shown to whoever sees its account, as
its PDF is), with the registrar's queue of records sent to the registry without a reference number.
One FilterSet for the page, the API (approvals.api) and the export (reports.registers)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.registers import Queue, RecordFilter, Register, queue_add, register_add
from accounts.selectors import social_account_list
from approvals import permissions, services
from approvals.choices import Outcome, Step
from approvals.models import Decision
from core.widgets import Select
from org import roles

# "Sent to the registry": the record was mailed to the unit's registry when it was made
# (approvals.services); the reference number comes back later (REC-4).
DECISION_STATES = {
    "awaiting_reference": (
        _("Sent to the registry, no reference number yet"),
        Q(registry_reference="") & ~Q(registry_email=""),
    ),
    "registered": (_("Registered with a reference number"), ~Q(registry_reference="")),
    "not_sent": (_("Not sent to a registry (the unit has none)"), Q(registry_email="", registry_reference="")),
}


class DecisionRegisterFilter(RecordFilter):
    """Decision records by unit, account, platform, day decided, state, step and outcome."""

    date_field = "created_at"
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[(value, label) for value, (label, _condition) in DECISION_STATES.items()],
        method="in_state",
        widget=Select,
    )
    category = django_filters.ChoiceFilter(label=_("Step"), field_name="step", choices=Step.choices, widget=Select)
    outcome = django_filters.ChoiceFilter(label=_("Outcome"), choices=Outcome.choices, widget=Select)
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields={"created_at": "decided", "account__name": "account"},
        field_labels={"created_at": _("Decided"), "account__name": _("Account")},
    )

    def in_state(self, queryset, name, value):
        return queryset.filter(DECISION_STATES[value][1]) if value else queryset


def decision_register(user):
    return (
        Decision.objects.filter(account__in=social_account_list(user=user).values("pk"))
        .select_related("account__platform", "account__unit")
        .order_by("-created_at", "-id")
    )


def _may_set_reference(user, decision) -> bool:
    return permissions.can_enter_reference(user, decision.account)


def _set_reference(*, actor, record_id, reference):
    return services.decision_reference_set(actor=actor, decision_id=record_id, reference=reference)


def _is_registrar(user) -> bool:
    return roles.is_registrar(user)


def setup() -> None:
    """Add the decisions' register and the registrar's queue (ApprovalsConfig.ready)."""
    register_add(
        Register(
            "decisions",
            _("Decision records"),
            DecisionRegisterFilter,
            decision_register,
            "registers/includes/_decisions.html",
            description=_("Managers' decisions, sign-offs and retroactive approvals (START-1, START-2, RESP-1)."),
            may_set_reference=_may_set_reference,
            set_reference=_set_reference,
        )
    )
    queue_add(
        Queue(
            "registrar-decisions",
            _("Decisions awaiting a reference number"),
            "decisions",
            {"state": "awaiting_reference"},
            _is_registrar,
        )
    )
