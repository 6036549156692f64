"""Demo publishers and access reviews (issue 15, START-1, PRIV-2) and the collaboration partners
of PURP-4, through accounts' services: the demo owner's first active account gets an editor, an
agency and a student ambassador (who then leaves KI, so access-not-removed opens), every other live
account with an owner gets this year's access review except the oldest one (access-review-overdue)."""

import datetime

from accounts.access import access_review_record, publisher_add, publisher_decide
from accounts.choices import AccountStatus, Role
from accounts.models import Assignment, CollaborationPartner, Publisher, SocialAccount
from accounts.partners import partner_create
from accounts.services import account_managers
from org.models import User
from org.services import person_create, person_leave

PARTNERS = [
    ("Region Stockholm", "Samarbete om vård, forskning och utbildning."),
    ("Stockholm trio", "KI, KTH och Stockholms universitet."),
    ("Nobelförsamlingen vid Karolinska Institutet", "Nobelpriset i fysiologi eller medicin."),
]
AMBASSADOR_EMAIL = "sam.ambassador@ki.se"


def build_partners(actor) -> None:
    for name, description in PARTNERS:
        if not CollaborationPartner.objects.filter(name=name).exists():
            partner_create(actor=actor, name=name, description=description)


def _owner(account):
    assignment = Assignment.objects.current().filter(account=account, role=Role.OWNER).select_related("person").first()
    person = assignment.person if assignment else None
    return person if person and person.is_active and person.left_on is None else None


def _confirm(publisher, adder) -> None:
    manager = next(
        (m for m in account_managers(publisher.account) if m.pk not in (adder.pk, publisher.person_id)), None
    )
    if manager is not None:
        publisher_decide(actor=manager, publisher_id=publisher.pk, confirm=True, acts_for_ki=True)


def build_access(people: dict, now: datetime.datetime) -> None:
    """Publishers on the demo owner's account, this year's reviews, one overdue review and one
    leaver not removed. Runs once, with the demo's history (seed_demo.seed_history)."""
    owner, comms = people["owner"], people["comms"]
    build_partners(comms)
    live = list(SocialAccount.objects.filter(status=AccountStatus.ACTIVE).order_by("activated_at", "pk"))
    account = next((a for a in live if _owner(a) == owner), None)
    if account is None or Publisher.objects.filter(account=account).exists():
        return
    ambassador = User.objects.filter(email=AMBASSADOR_EMAIL).first() or person_create(
        actor=comms, first_name="Sam", last_name="Ambassadör", email=AMBASSADOR_EMAIL
    )
    keepers = set(Assignment.objects.current().filter(account=account).values_list("person_id", flat=True))
    editor = next(people[u] for u in ("editor4", "editor3", "editor2", "editor1") if people[u].pk not in keepers)
    added = [
        publisher_add(actor=owner, account_id=account.pk, person=editor, platform_role="editor"),
        publisher_add(
            actor=owner,
            account_id=account.pk,
            agency_name="Byrå Nord AB",
            agency_contact="Anna Byråsson, anna@byranord.se, 08-123 45 67",
            platform_role="advertiser",
            ends_on=now.date() + datetime.timedelta(days=90),
        ),
        publisher_add(
            actor=owner,
            account_id=account.pk,
            person=ambassador,
            platform_role="moderator",
            ends_on=now.date() + datetime.timedelta(days=180),
        ),
    ]
    for publisher in added:
        _confirm(publisher, owner)
    # This year's access review on every live account whose owner can make it, except the one
    # live the longest: its review is overdue (START-1).
    for other in live[1:]:
        reviewer = _owner(other)
        if reviewer is not None:
            access_review_record(actor=reviewer, account_id=other.pk, still_needed=True, still_at_ki=True)
    # The student ambassador leaves KI; the owner has not yet removed the access (access-not-removed).
    person_leave(actor=comms, person=ambassador, left_on=now.date(), reason="Studentambassadörsperioden slut.")
