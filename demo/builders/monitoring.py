"""Demo monitoring (monitoring): half a year of check-ins with some gaps, follow-ups, and one
sweep so that every kind of finding is there."""

import datetime

from monitoring.models import CheckIn, FollowUp
from monitoring.services import compliance_sweep


def build_checkins(active: list, people: dict, today: datetime.date) -> None:
    """Half a year of check-ins by the demo owner (for the compliance report), with gaps: some
    accounts never checked in, some missed yesterday and the day before, and the odd missed day;
    some report a latest post long ago (an inactive channel)."""
    checkins = []
    for i, account in enumerate(active):
        if i % 7 == 3:
            continue  # never checked in: missed monitoring
        for back in range(1, 184):  # half a year of history, for the compliance report
            if i % 5 == 1 and back in (1, 2):
                continue  # missed yesterday and the day before
            if (i + back) % 11 == 0:
                continue  # the odd missed day
            day = today - datetime.timedelta(days=back)
            latest_post = day - datetime.timedelta(days=250 if i % 9 == 4 else 2)
            checkins.append(
                CheckIn(
                    account=account,
                    day=day,
                    person=people["owner"],
                    person_repr=str(people["owner"]),
                    note="Kommentarer besvarade.",
                    latest_post_on=latest_post,
                )
            )
    CheckIn.objects.bulk_create(checkins, ignore_conflicts=True)


# ACC-1, ACC-2: the accessibility answers of the demo follow-ups, in turn.
_ANSWERS = [
    {"acc_alt_text": "yes", "acc_captions": "yes", "acc_plain_language": "yes", "acc_on_ki_se": "yes"},
    {"acc_alt_text": "partly", "acc_captions": "no", "acc_plain_language": "yes", "acc_on_ki_se": "yes"},
    {"acc_alt_text": "yes", "acc_captions": "na", "acc_plain_language": "partly", "acc_on_ki_se": "no"},
]


def build_follow_ups(active: list, people: dict, today: datetime.date) -> None:
    """A follow-up against the goals (PURP-3) on every third account, with answers to the
    accessibility questions (ACC-1, ACC-2)."""
    for i, account in enumerate(active):
        if i % 3 == 0:
            FollowUp.objects.create(
                account=account,
                period_end=today - datetime.timedelta(days=90),
                figures="Räckvidd 12 000 per månad, 340 nya följare, 45 besvarade frågor.",
                assessment="Målen för räckvidd nåddes; engagemanget kan bli bättre.",
                recorded_by=people["owner"],
                **_ANSWERS[(i // 3) % len(_ANSWERS)],
            )


def build_findings(now: datetime.datetime) -> None:
    """One sweep over the history above, so that every kind of finding is there."""
    compliance_sweep(now=now)
