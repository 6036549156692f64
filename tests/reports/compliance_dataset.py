"""A small, fixed dataset for the compliance report, with every figure worked out by hand in
tests/reports/test_compliance_figures.py.

Unit "Institutionen för testmedicin" (manager Maja Chef) with, below it, "Avdelningen för exempel"
(no manager). Times are Stockholm local unless they end in Z.

- Account A (Instagram, the department), active since 1 March 2026 09:00.
  Owner Anna Ägare until 16 March 10:00, then Bertil Berg. Deputy Cecilia Ek until 20 March 15:00,
  David Dahl from 25 March 08:00: 21–24 March have no deputy (4 days).
  Check-ins every day of March except 10, 11, 12 and 31. The one for 29 March (the night clocks
  go forward) was made at 00:30 CET, 2026-03-28T23:30Z: its Stockholm day is the 29th.
  Removed posts: 5 March 10:00 (category c) handed off 10 March (due by the end of Monday
  9 March: late); 31 March 23:30 CEST = 21:30Z (category a) handed off Thursday 2 April 12:00
  (due by the end of 2 April: in time); 1 April 00:30 CEST = 31 March 22:30Z (not in March).
  A question received at 00:30 CET on 1 March (2026-02-28T23:30Z) is in March.
  Questions in June: Wed 17 June 14:00 (due Thu 14:00, answered Thu 15:00: late, 25 h);
  Midsummer Eve Fri 19 June 10:00 (not a working day: due by the end of Monday 22 June, answered
  Mon 16:00: in time, 78 h); Wed 24 June 09:00 (answered 11:00, 2 h); Fri 26 June 10:00 (due Mon
  29 June 10:00, unanswered: overdue at the end of June).
  Findings: no-deputy opened 21 March 09:05, resolved 25 March 09:05.
  Approved by the communications department on 27 February 2026 (Kim Komm, KI 2026-123).
- Account B (Facebook, the division), active 16 March 12:00, decommissioned 26 March 10:00: active
  16–25 March (10 days). Owner only. Check-ins 20 and 21 March. Finding missed-monitoring
  opened 17 March, resolved 26 March.
- Account C (X, the department), active since 1 June 2025, owner and deputy throughout, no
  check-ins in 2026. Start-page screenshots 1 June 2025, 20 November 2025 (next due 21 May 2026)
  and 5 June 2026 (late). Follow-up recorded 1 December 2025. Finding missed-monitoring open since
  2 February 2026. Retroactive approval 10 June 2025. One block since 1 May 2026, in force.
"""

import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group

from accounts.choices import AccountStatus, Role
from approvals.models import Decision
from monitoring.models import CheckIn
from org import roles
from org.calendar import answer_due
from records.models import Block, Incident, Inquiry
from tests import factories

STHLM = ZoneInfo("Europe/Stockholm")
UTC = datetime.UTC
NOW = datetime.datetime(2026, 7, 10, 12, 0, tzinfo=STHLM)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=STHLM)


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def person(username, first, last):
    return factories.UserFactory(username=username, first_name=first, last_name=last)


def decided(when, **fields):
    """A decision dated `when` (created_at is set on insert, so it is back-dated after)."""
    decision = Decision.objects.create(**fields)
    Decision.objects.filter(pk=decision.pk).update(created_at=when)


def build():
    """Create the dataset; returns a namespace of what the tests need."""
    maja = person("maja", "Maja", "Chef")
    department = factories.UnitFactory(name="Institutionen för testmedicin", manager=maja)
    division = factories.UnitFactory(name="Avdelningen för exempel", parent=department)
    auditor = person("revisor", "Rut", "Revisor")
    auditor.groups.add(Group.objects.get_or_create(name=roles.AUDITOR)[0])
    anna, bertil = person("anna", "Anna", "Ägare"), person("bertil", "Bertil", "Berg")
    cecilia, david = person("cecilia", "Cecilia", "Ek"), person("david", "David", "Dahl")

    a = factories.SocialAccountFactory(
        name="KI Testmedicin",
        platform=factories.platform("instagram"),
        handle="kitestmedicin",
        url="https://instagram.com/kitestmedicin",
        unit=department,
        activated_at=at(2026, 3, 1, 9, 0),
    )
    A = factories.AssignmentFactory
    A(account=a, person=anna, role=Role.OWNER, started_at=at(2026, 3, 1, 9, 0), ended_at=at(2026, 3, 16, 10, 0))
    A(account=a, person=bertil, role=Role.OWNER, started_at=at(2026, 3, 16, 10, 0))
    A(account=a, person=cecilia, role=Role.DEPUTY, started_at=at(2026, 3, 1, 9, 0), ended_at=at(2026, 3, 20, 15, 0))
    A(account=a, person=david, role=Role.DEPUTY, started_at=at(2026, 3, 25, 8, 0))
    missed = {10, 11, 12, 31}
    for day in range(1, 32):
        if day not in missed:
            factories.CheckInFactory(account=a, day=datetime.date(2026, 3, day))
    # The DST night: the check-in made at 00:30 CET on the 29th carries the Stockholm day.
    CheckIn.objects.filter(account=a, day=datetime.date(2026, 3, 29)).delete()
    made = utc(2026, 3, 28, 23, 30)
    factories.CheckInFactory(account=a, day=made.astimezone(STHLM).date())

    incident = {"poster": "visitor", "description": "Kommentar", "logged_by_repr": "Anna Ägare", "hand_off": "archive"}
    Incident.objects.create(
        account=a,
        seen_at=at(2026, 3, 5, 9, 0),
        removed_at=at(2026, 3, 5, 10, 0),
        category="c_defamation",
        handed_off_at=at(2026, 3, 10, 9, 0),
        **incident,
    )
    Incident.objects.create(
        account=a,
        seen_at=utc(2026, 3, 31, 21, 0),
        removed_at=utc(2026, 3, 31, 21, 30),
        category="a_personal_data",
        handed_off_at=at(2026, 4, 2, 12, 0),
        **incident,
    )
    Incident.objects.create(
        account=a,
        seen_at=utc(2026, 3, 31, 22, 0),
        removed_at=utc(2026, 3, 31, 22, 30),
        category="a_personal_data",
        handed_off_at=at(2026, 4, 2, 12, 0),
        **incident,
    )

    def question(received, answered=None):
        return Inquiry.objects.create(
            account=a,
            received_at=received,
            due_at=answer_due(received),
            kind="question",
            summary="Fråga",
            answered_at=answered,
        )

    question(utc(2026, 2, 28, 23, 30), at(2026, 3, 2, 9, 30))
    question(at(2026, 6, 17, 14, 0), at(2026, 6, 18, 15, 0))
    question(at(2026, 6, 19, 10, 0), at(2026, 6, 22, 16, 0))
    question(at(2026, 6, 24, 9, 0), at(2026, 6, 24, 11, 0))
    question(at(2026, 6, 26, 10, 0))

    factories.FindingFactory(
        account=a, rule="no-deputy", opened_at=at(2026, 3, 21, 9, 5), resolved_at=at(2026, 3, 25, 9, 5)
    )
    decided(
        at(2026, 2, 27, 14, 0),
        account=a,
        step="comms",
        outcome="approve",
        decided_by_repr="Kim Komm",
        clauses="START-2",
        unit_repr=department.name,
        registry_reference="KI 2026-123",
    )

    b = factories.SocialAccountFactory(
        name="KI Exempel",
        platform=factories.platform("facebook"),
        handle="kiexempel",
        url="https://facebook.com/kiexempel",
        unit=division,
        status=AccountStatus.DECOMMISSIONED,
        activated_at=at(2026, 3, 16, 12, 0),
        decommissioned_at=at(2026, 3, 26, 10, 0),
    )
    A(account=b, person=anna, role=Role.OWNER, started_at=at(2026, 3, 16, 12, 0), ended_at=at(2026, 3, 26, 10, 0))
    for day in (20, 21):
        factories.CheckInFactory(account=b, day=datetime.date(2026, 3, day))
    factories.FindingFactory(
        account=b, rule="missed-monitoring", opened_at=at(2026, 3, 17, 8, 5), resolved_at=at(2026, 3, 26, 10, 0)
    )

    c = factories.SocialAccountFactory(
        name="KI Testmedicin X",
        platform=factories.platform("x"),
        handle="kitestx",
        url="https://x.com/kitestx",
        unit=department,
        activated_at=at(2025, 6, 1, 9, 0),
    )
    A(account=c, person=bertil, role=Role.OWNER, started_at=at(2025, 6, 1, 9, 0))
    A(account=c, person=cecilia, role=Role.DEPUTY, started_at=at(2025, 6, 1, 9, 0))
    for taken in (datetime.date(2025, 6, 1), datetime.date(2025, 11, 20), datetime.date(2026, 6, 5)):
        factories.SnapshotFactory(account=c, taken_on=taken)
    factories.FollowUpFactory(account=c, recorded_at=at(2025, 12, 1, 10, 0))
    factories.FindingFactory(account=c, rule="missed-monitoring", opened_at=at(2026, 2, 2, 8, 5))
    decided(
        at(2025, 6, 10, 10, 0),
        account=c,
        step="retroactive",
        outcome="approve",
        decided_by_repr="Kim Komm",
        clauses="START-1, START-2",
        unit_repr=department.name,
    )
    Block.objects.create(
        account=c, visitor="@troll", reason="d_incitement", blocked_at=at(2026, 5, 1, 12, 0), decided_by_repr="Bertil"
    )

    class Data:
        pass

    data = Data()
    data.__dict__.update(department=department, division=division, auditor=auditor, maja=maja, a=a, b=b, c=c, anna=anna)
    return data
