"""Demo impostor cases (issue 14, docs/impostors.md): reports through the public service, and
comms' handling through theirs: one impostor listed publicly with its takedown requested, one
parody closed, one report left untriaged for three weeks (so impostor-case-stale has something
to count). Idempotent: a case is made only if its address has none."""

import datetime

from records import impostors
from records.choices import CaseOutcome, CaseVerdict
from records.models import ImpostorCase

IMPOSTOR = "https://www.instagram.com/karolinska.institutet.official"
PARODY = "https://x.com/karolinska_satir"
STALE = "https://www.tiktok.com/@ki_stipendier"


def _report(address: str, reason: str):
    key = impostors.address_read(address)[0]
    if ImpostorCase.objects.filter(key=key).exists():
        return None
    return impostors.impostor_report_submit(address=address, reason=reason)


def build_impostor_cases(people: dict, now: datetime.datetime) -> None:
    comms = people["comms"]
    today = now.date()
    case = _report(IMPOSTOR, "Kontot använder KI:s logotyp och ber om pengar till en insamling.")
    if case:
        impostors.impostor_report_submit(address=IMPOSTOR + "/", reason="Samma konto skickar direktmeddelanden.")
        impostors.impostor_case_triage(actor=comms, case_id=case.pk, verdict=CaseVerdict.IMPOSTOR, note="Falsk logga.")
        impostors.impostor_case_takedown(actor=comms, case_id=case.pk, requested_on=today, platform_reference="IG-4471")
        impostors.impostor_case_list_publicly(actor=comms, case_id=case.pk, listed=True)
    case = _report(PARODY, "Skämtkonto med KI:s namn.")
    if case:
        impostors.impostor_case_triage(actor=comms, case_id=case.pk, verdict=CaseVerdict.PARODY)
        impostors.impostor_case_close(
            actor=comms, case_id=case.pk, outcome=CaseOutcome.NO_ACTION, closed_on=today, note="Tydligt märkt satir."
        )
    case = _report(STALE, "Erbjuder stipendier i KI:s namn mot en avgift.")
    if case:  # reported three weeks ago and not yet looked at (the demo of impostor-case-stale)
        ImpostorCase.objects.filter(pk=case.pk).update(
            created_at=now - datetime.timedelta(days=21), last_action_at=now - datetime.timedelta(days=21)
        )
