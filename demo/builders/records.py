"""Demo records (records): removed posts, questions, blocks, consents and a request for public
records on the demo owner's account, through records' services."""

import datetime

from accounts.choices import AccountStatus
from accounts.models import SocialAccount
from demo.builders.accounts import demo_screenshot
from org.calendar import local_day
from records.blocks import block_record, block_review
from records.consents import consent_record, consent_withdraw
from records.disclosure import records_request_log
from records.services import (
    incident_hand_off,
    incident_log,
    incident_reference_set,
    inquiry_answer,
    inquiry_hand_off,
    inquiry_log,
)

S = AccountStatus


def build_records(people: dict, now: datetime.datetime) -> None:
    """Removed posts and questions on the demo owner's accounts: one handed to the registry with
    its reference number, one not yet handed off; questions answered, overdue and routed, a
    complaint registered with its screenshots and one answered but never registered; consents,
    one of them withdrawn."""
    owner = people["owner"]
    account = (
        SocialAccount.objects.filter(status=S.ACTIVE, assignments__person=owner, assignments__ended_at__isnull=True)
        .order_by("pk")
        .first()
    )
    if account is None:
        return
    days = datetime.timedelta(days=1)
    for back, category, hand_off in ((6, "c_defamation", True), (5, "f_advertising", False)):
        removed = now - back * days
        incident = incident_log(
            actor=owner,
            account_id=account.pk,
            seen_at=removed - datetime.timedelta(hours=2),
            removed_at=removed,
            poster="visitor",
            category=category,
            description="Kommentar borttagen enligt kontots regler.",
            screenshots=[
                ("removed_post", demo_screenshot(account, f"inlägg {back}")),
                ("ki_reply", demo_screenshot(account, f"svar {back}")),
            ],
        )
        if hand_off:
            incident_hand_off(actor=owner, incident_id=incident.pk, to="registry")
            incident_reference_set(actor=owner, incident_id=incident.pk, reference=f"1-{incident.pk:04d}/2026")

    def answered(received_at, kind, summary, after_hours, reply):
        inquiry = inquiry_log(actor=owner, account_id=account.pk, received_at=received_at, kind=kind, summary=summary)
        inquiry_answer(
            actor=owner,
            inquiry_id=inquiry.pk,
            answered_at=received_at + datetime.timedelta(hours=after_hours),
            reply_summary=reply,
        )

    answered(now - 3 * days, "question", "Hur anmäler man sig till föreläsningen?", 3, "Länk till anmälan på ki.se.")
    inquiry_log(
        actor=owner,
        account_id=account.pk,
        received_at=now - 4 * days,
        kind="question",
        summary="Var hittar jag rapporten som nämndes i inlägget?",
    )
    # A complaint registered with screenshots of the post and of KI's reply (REC-3, REC-4).
    complaint = inquiry_log(
        actor=owner,
        account_id=account.pk,
        received_at=now - 2 * days,
        kind="complaint",
        summary="Klagomål på otydlig information om antagningen.",
        screenshots=[("inquiry", demo_screenshot(account, "klagomål"))],
    )
    inquiry_answer(
        actor=owner,
        inquiry_id=complaint.pk,
        answered_at=now - 2 * days + datetime.timedelta(hours=2),
        reply_summary="Tackade och länkade till antagningens sida på ki.se.",
        reply_screenshot=demo_screenshot(account, "svar på klagomål"),
    )
    inquiry_hand_off(actor=owner, inquiry_id=complaint.pk, to="registry")
    # A complaint answered but, nine days on, neither sent to the registry nor archived: past the
    # two working days of REC-3/REC-4, so the sweep opens inquiry-unregistered.
    answered(
        now - 9 * days,
        "complaint",
        "Klagomål på att en föreläsning ställdes in utan besked.",
        4,
        "Bad om ursäkt och länkade till den nya tiden på ki.se.",
    )
    # Criticism with a screenshot of the post (REC-3, REC-4), routed to the manager, still open.
    inquiry_log(
        actor=owner,
        account_id=account.pk,
        received_at=now - datetime.timedelta(hours=3),
        kind="criticism",
        summary="Kritik mot hur institutionen hanterar kursvärderingar.",
        screenshots=[("inquiry", demo_screenshot(account, "kritik"))],
    )
    # A block that has waited more than six months for review, and one reviewed recently.
    block_record(
        actor=owner,
        account_id=account.pk,
        visitor="@reklamkonto123",
        action="block",
        reason="f_advertising",
        blocked_at=now - 200 * days,
    )
    recent = block_record(
        actor=owner,
        account_id=account.pk,
        visitor="@troll_stockholm",
        action="mute",
        reason="c_defamation",
        blocked_at=now - 20 * days,
    )
    block_review(actor=owner, block_id=recent.pk)
    consent_record(
        actor=owner,
        account_id=account.pk,
        subject="Deltagare på öppet hus (gruppen informerad)",
        form="group",
        given_on=local_day(now) - 10 * days,
        publication="Bildserie från öppet hus",
        photographer="Linnea Fotograf",
        credit="Foto: Linnea Fotograf",
        photographer_consents=True,
    )
    portrait = consent_record(
        actor=owner,
        account_id=account.pk,
        subject="Doktorand Sara Exempel",
        form="oral",
        given_on=local_day(now) - 3 * days,
        publication="Porträtt i inlägg om disputation",
        photographer="Johan Redaktör",
        credit="Foto: Johan Redaktör",
        photographer_consents=True,
    )
    # The doctoral student later withdrew her consent by e-mail (MEDIA-1).
    consent_withdraw(
        actor=owner,
        consent_id=portrait.pk,
        withdrawn_on=local_day(now) - days,
        via="email",
        note="Porträttet togs bort från inlägget samma dag.",
    )
    # An open request for public records puts this account's last month on legal hold.
    records_request_log(
        actor=people["comms"],
        received_at=now - 2 * days,
        requester="Journalist, Dagens Medicin",
        asked_for="Borttagna kommentarer och blockeringar på kontot under den senaste månaden.",
        account_ids=[account.pk],
        period_start=local_day(now) - 30 * days,
        period_end=local_day(now),
    )
