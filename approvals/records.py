"""The dated decision record, as a PDF that the unit's registry can register (diarieföra).

fpdf2 is pure Python: no system libraries, so the portal still sets up with one command. Its core
fonts cover Latin-1 (å, ä, ö, é); other characters are replaced by their nearest Latin-1 form.
"""

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from approvals.models import Decision

_REPLACEMENTS = str.maketrans({"–": "-", "—": "-", "“": '"', "”": '"', "‘": "'", "’": "'", "…": "...", "→": "->"})


def _latin1(text: str) -> str:
    return str(text).translate(_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")


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

    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(f"{title} {decision.pk}"))
    pdf.set_author("Karolinska Institutet")
    pdf.set_creation_date(decision.created_at)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _latin1(f"{title} {decision.pk}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, _latin1(guideline), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for label, value in rows:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(55, 6, _latin1(label))
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 6, _latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(-20)
    pdf.set_font("Helvetica", "I", 8)
    pdf.cell(0, 6, _latin1(footer))
    return bytes(pdf.output())
