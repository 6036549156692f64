"""The dated decision record, as a PDF that the unit's registry can register (diarieföra)."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from approvals.models import Decision
from core.pdf import record_pdf


def decision_record_pdf(decision: Decision, *, language: str = "sv") -> bytes:
    """Render one decision as a one-page PDF record in the given language."""
    account = decision.account
    with translation.override(language):
        decided = timezone.localtime(decision.created_at)
        title = _("Decision record")
        rows = [
            (_("Decision number"), str(decision.pk)),
            (_("Date and time"), decided.strftime("%Y-%m-%d %H:%M") + " (Europe/Stockholm)"),
            (_("Step"), decision.get_step_display()),
            (_("Outcome"), decision.get_outcome_display()),
            (_("Decided by"), decision.decided_by_repr),
            (_("Clauses"), decision.clauses),
            (_("Account"), account.name),
            (_("Platform"), account.platform.name),
            (_("Address"), account.url or "-"),
            (_("Unit"), decision.unit_repr),
            (_("Requested by"), str(account.created_by) if account.created_by else "-"),
            (_("Classification"), account.get_classification_display()),
            (_("Purpose"), account.purpose),
            (_("Comment"), decision.comment or "-"),
            (_("Registry reference number"), decision.registry_reference or "-"),
        ]
        footer = _("Karolinska Institutet – register of official social media accounts")
        guideline = _("Under KI's guidelines for social media (2021).")

    return record_pdf(
        title=f"{title} {decision.pk}",
        intro=guideline,
        rows=rows,
        footer=footer,
        created_at=decision.created_at,
        language=language,
    )
