"""Demo temporary cover (MON-2, DECOM-2): the demo owner and deputy are both away on days 15–20
from today (demo.builders.org.build_absences). One of their accounts gets a stand-in for those
days, another has comments switched off for them; the others keep their coverage gap, so the
to-do page and the e-mail asking for cover have something to show. Through monitoring's
services, before the sweep."""

import datetime

from accounts.choices import Role
from accounts.models import Assignment
from monitoring.choices import CoverMeasure
from monitoring.cover import cover_record


def build_covers(active: list, people: dict, today: datetime.date) -> None:
    owned = set(
        Assignment.objects.current()
        .filter(person=people["owner"], role=Role.OWNER, account__in=active)
        .values_list("account", flat=True)
    )
    deputised = set(
        Assignment.objects.current()
        .filter(person=people["deputy"], role=Role.DEPUTY, account__in=active)
        .values_list("account", flat=True)
    )
    theirs = [a for a in active if a.pk in owned & deputised]
    first, last = today + datetime.timedelta(days=15), today + datetime.timedelta(days=20)
    stand_in = next(iter(theirs), None)
    if stand_in is not None:
        cover_record(
            actor=people["owner"],
            account_id=stand_in.pk,
            measure=CoverMeasure.STAND_IN,
            stand_in=people["editor1"],
            first_day=first,
            last_day=last,
            note="Johan bevakar kontot under semestern.",
        )
    switched_off = next((a for a in theirs[1:] if a.platform.can_disable_comments), None)
    if switched_off is not None:
        cover_record(
            actor=people["owner"],
            account_id=switched_off.pk,
            measure=CoverMeasure.COMMENTS_OFF,
            first_day=first,
            last_day=last,
            note="Kommentarerna stängs av under semestern (DECOM-2).",
        )
