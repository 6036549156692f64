"""Every record PDF that goes to KI's registry and archive (issue 14, "record PDFs keep every
character and declare PDF/A"): the decision record, the removed post and the question or comment,
each made from a real record whose account, people and texts are in Polish, Chinese, Arabic and
emoji, read back with pdftotext, and each declaring PDF/A in its XMP metadata (REC-3, REC-4)."""

import pytest
from django.utils import timezone

from approvals.records import decision_record_pdf
from records.pdf import incident_record_pdf, inquiry_record_pdf
from tests import factories
from tests.pdf import needs_pdftotext, pdf_text, pdfa_identification
from tests.registers import data

pytestmark = pytest.mark.django_db

POLISH = "Łukasz Żółć-Gęślą"
CHINESE = "卡罗林斯卡学院"
ARABIC = "محمد العربي"
EMOJI = "🎉"


def _decision(account):
    return decision_record_pdf(
        data.decision(account, decided_by_repr=ARABIC, comment=f"{POLISH} {EMOJI}", unit_repr=CHINESE)
    )


def _incident(account):
    return incident_record_pdf(data.incident(account, description=f"{CHINESE} {EMOJI}", logged_by_repr=ARABIC))


def _inquiry(account):
    return inquiry_record_pdf(
        data.inquiry(
            account,
            summary=f"{ARABIC} {EMOJI}",
            answered_at=timezone.now(),
            reply_summary=f"{CHINESE} – {POLISH}",
        )
    )


@needs_pdftotext
@pytest.mark.parametrize("render", [_decision, _incident, _inquiry], ids=["decision", "removed-post", "question"])
def test_each_record_pdf_keeps_every_character_and_declares_pdf_a(render, tmp_path):
    account = factories.staffed_account(name=f"KI {POLISH} {EMOJI}", unit=factories.UnitFactory(name=CHINESE))
    pdf = render(account)
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf)

    text = pdf_text(path)

    for expected in (POLISH, CHINESE, "محمد", "العربي", EMOJI):
        assert expected in text, (expected, text)
    assert "?ukasz" not in text and "??" not in text  # what the Latin-1 encoder wrote
    assert pdfa_identification(pdf) == ("3", "A")
