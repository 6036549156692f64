"""The dated records of a removed post (CONT-2, REC-4) and of a question or comment (REC-3, REC-4)
for the registry: the account, unit, category and clause, the times, who acted, and each
screenshot with its SHA-256, the images embedded in the PDF (core.pdf)."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.pdf import record_pdf
from records.models import Incident


def _evidence(record) -> tuple[list[tuple[str, str]], list[tuple[str, bytes, str]]]:
    """A row per screenshot (its kind, date and SHA-256) and each image to embed with that caption.
    A PDF screenshot is named by its row and checksum; the registry gets it from the portal."""
    rows, images = [], []
    for snapshot in record.evidence.order_by("kind", "pk"):
        rows.append((snapshot.get_kind_display(), f"{snapshot.taken_on} SHA-256 {snapshot.sha256}"))
        if snapshot.content_type.startswith("image/"):
            with snapshot.file.open("rb") as handle:
                caption = f"{snapshot.get_kind_display()} – {snapshot.taken_on} – SHA-256 {snapshot.sha256}"
                images.append((caption, handle.read(), snapshot.content_type))
    return rows, images


def incident_record_pdf(incident: Incident, *, language: str = "sv") -> bytes:
    account = incident.account
    local = timezone.localtime
    with translation.override(language):
        rows = [
            (_("Record number"), str(incident.pk)),
            (_("Account"), f"{account.name} ({account.platform.name})"),
            (_("Address"), account.url or "-"),
            (_("Unit"), account.unit.name),
            (_("Category"), f"{incident.get_category_display()} (CONT-1)"),
            (_("Clauses"), "CONT-1, CONT-2, REC-3, REC-4"),
            (_("Posted by"), incident.get_poster_display()),
            (_("Seen"), local(incident.seen_at).strftime("%Y-%m-%d %H:%M")),
            (_("Removed"), local(incident.removed_at).strftime("%Y-%m-%d %H:%M")),
            (_("Link"), incident.link or "-"),
            (_("Description"), incident.description),
            (_("Recorded by"), incident.logged_by_repr),
        ]
        evidence_rows, images = _evidence(incident)
        rows += evidence_rows
        return record_pdf(
            title=_("Removed post %(n)s") % {"n": incident.pk},
            intro=_("Record of a removed post under KI's guidelines for social media (2021), dated %(date)s.")
            % {"date": local(incident.created_at).strftime("%Y-%m-%d")},
            rows=rows,
            footer=_("Karolinska Institutet – register of official social media accounts"),
            created_at=incident.created_at,
            images=images,
            language=language,
        )


def inquiry_record_pdf(inquiry, *, language: str = "sv") -> bytes:
    """The dated record of a question or comment that requires action, with KI's reply (REC-3/4)."""
    account = inquiry.account
    local = timezone.localtime
    with translation.override(language):
        answered = local(inquiry.answered_at).strftime("%Y-%m-%d %H:%M") if inquiry.answered_at else "-"
        rows = [
            (_("Record number"), str(inquiry.pk)),
            (_("Account"), f"{account.name} ({account.platform.name})"),
            (_("Address"), account.url or "-"),
            (_("Unit"), account.unit.name),
            (_("Kind"), inquiry.get_kind_display()),
            (_("Clauses"), "ANS-1, ANS-2, REC-3, REC-4"),
            (_("Received"), local(inquiry.received_at).strftime("%Y-%m-%d %H:%M")),
            (_("Due"), local(inquiry.due_at).strftime("%Y-%m-%d %H:%M")),
            (_("Link"), inquiry.link or "-"),
            (_("Summary"), inquiry.summary),
            (_("Answered"), answered),
            (_("Summary of the reply"), inquiry.reply_summary or "-"),
            (_("Routed to"), str(inquiry.routed_to) if inquiry.routed_to else "-"),
        ]
        evidence_rows, images = _evidence(inquiry)
        rows += evidence_rows
        return record_pdf(
            title=_("Question or comment %(n)s") % {"n": inquiry.pk},
            intro=_("Record of a question or comment under KI's guidelines for social media (2021), dated %(date)s.")
            % {"date": local(inquiry.created_at).strftime("%Y-%m-%d")},
            rows=rows,
            footer=_("Karolinska Institutet – register of official social media accounts"),
            created_at=inquiry.created_at,
            images=images,
            language=language,
        )
