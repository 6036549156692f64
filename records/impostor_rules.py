"""The impostor cases' rules (issue 14), about cases rather than accounts, so SubjectRules
(monitoring.subject_rules): the sweep counts them, the weekly digest lists them for comms."""

from django.utils.translation import gettext_lazy as _

from monitoring.choices import Severity
from monitoring.subject_rules import SubjectRule, register
from records.impostors import impostor_cases_new, impostor_cases_stale

register(
    SubjectRule(
        id="impostor-case-stale",
        clauses="SEND-1",
        severity=Severity.MEDIUM,
        title=_("An impostor case has had no action for 14 days"),
        fix=_("Triage the case, request a takedown from the platform or close it with its outcome."),
        subjects=impostor_cases_stale,
        url_name="records:impostor-cases",
    )
)
register(
    SubjectRule(
        id="impostor-case-new",
        clauses="SEND-1",
        severity=Severity.LOW,
        title=_("A reported impostor is not yet triaged"),
        fix=_("Triage the case: official after all, impostor, parody or not about KI."),
        subjects=impostor_cases_new,
        url_name="records:impostor-cases",
    )
)
