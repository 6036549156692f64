"""Demo accessibility reports about the portal itself (issue 15): one open, sent by a visitor who
was not logged in, and one that the communications department has answered."""

from accounts.accessibility import accessibility_report_answer, accessibility_report_submit
from accounts.models import AccessibilityReport

OPEN = "Diagrammet på sidan Regelefterlevnad går inte att läsa med min skärmläsare."
ANSWERED = "Fokusmarkeringen syns dåligt på knappen Logga ut."


def build_accessibility_reports(people: dict) -> None:
    if not AccessibilityReport.objects.filter(message=OPEN).exists():
        accessibility_report_submit(message=OPEN, page_url="/compliance/", name="Besökare")
    if not AccessibilityReport.objects.filter(message=ANSWERED).exists():
        report = accessibility_report_submit(message=ANSWERED, page_url="/accounts/", user=people["owner"])
        accessibility_report_answer(
            actor=people["comms"],
            report_id=report.pk,
            answer="Fokusmarkeringen är nu en tjock orange ram på alla knappar. Tack för rapporten!",
        )
