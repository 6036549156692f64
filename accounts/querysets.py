from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.lookups import In

from org import roles
from org.models import Unit


def evidence_condition(user, path: str = "") -> Q:
    """The condition that the user may see the evidence of an account (`path` ""), or of a
    record's account (`path` "account"): Q() for those who read every account (comms, auditors,
    registrars); for anyone else the accounts they hold now (owner or deputy) or whose units they
    manage, both parts of visible_to, so that visible_to ∧ this is this.

    For a record it is a condition on the record's account column (issue 12): none at all for
    comms, for whom a subquery of every account was most of a register's time at 100 000
    accounts; for anyone else the account among the few they hold (a short hashed list), or its
    unit, looked up by the account's key record by record, among the ids of the units they manage.
    PostgreSQL then reads a page in an index's order and stops after it; a list of the
    department's accounts (tens of thousands for a large one) cost more than the page."""
    from accounts.models import Assignment, SocialAccount

    if not user.is_authenticated:
        return Q(pk__in=[])
    if roles.reads_every_account(user):
        return Q()
    held = Assignment.objects.current().filter(person=user).values("account")
    if not path:
        return Q(pk__in=held) | Q(unit__in=Unit.objects.managed_by(user))
    # The record's account's unit, looked up per record (a scalar subquery by the key): never
    # a hashed list of every account of the units, which follows the department's size.
    unit_of = Subquery(SocialAccount.objects.filter(pk=OuterRef(path)).order_by().values("unit_id")[:1])
    return Q(**{f"{path}__in": held}) | Q(In(unit_of, managed_unit_ids(user)))


def managed_unit_ids(user) -> list[int]:
    """The ids of the units the user manages with every unit below them (Unit.objects.managed_by
    as a list): one query for a manager (kept on the user for the request), none for anyone else.
    Read from the database, never from a cache: it decides what the user may see."""
    if not roles.managed_unit_paths(user):
        return []
    if not hasattr(user, "_kipolicy_managed_unit_ids"):
        user._kipolicy_managed_unit_ids = list(Unit.objects.managed_by(user).order_by().values_list("pk", flat=True))
    return user._kipolicy_managed_unit_ids


class SocialAccountQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The accounts this user may see (DESIGN.md, who sees what):
        comms, auditors and registrars everything; a manager their units' subtrees; an owner or deputy their
        accounts and the requester their requests; any other logged-in user the active official accounts only."""
        from accounts.choices import AccountStatus, Classification

        if not user.is_authenticated:
            return self.none()
        if roles.reads_every_account(user):
            return self
        from accounts.models import Assignment

        # One condition on the account's own row, each part a column test or a small hashed
        # subquery (the user's assignments, the units they manage), with no join: PostgreSQL can
        # then read a page in the order of an index (name, id) and stop after it, instead of first
        # collecting every visible id (issue 12: the inventory at 100 000 accounts).
        condition = Q(status=AccountStatus.ACTIVE, classification=Classification.OFFICIAL)
        condition |= Q(pk__in=Assignment.objects.current().filter(person=user).values("account"))
        condition |= Q(created_by=user)  # the requester follows their own request
        condition |= Q(unit__in=Unit.objects.managed_by(user))
        return self.filter(condition)

    def with_evidence_for(self, user):
        """The accounts whose screenshots and other evidence the user may see: those they see
        (visible_to) for a reason other than the account being public. Evidence is never public:
        comms, auditors and registrars, the current owner and deputy, the responsible managers."""
        return self.filter(evidence_condition(user))

    def in_unit(self, unit):
        """Accounts of the unit and of every unit below it."""
        return self.filter(unit__path__startswith=unit.path)

    def visible_in_unit(self, user, unit):
        """visible_to(user).in_unit(unit), without the visibility test where it cannot remove an
        account: for a responsible manager of the unit, who sees its whole subtree (and comms,
        whose visible_to has no test). The test, an OR most of the table passes, made PostgreSQL
        read every account for a unit page's counts (issue 12)."""
        if user.is_authenticated and roles.manages_unit(user, unit):
            return self.in_unit(unit)
        return self.visible_to(user).in_unit(unit)

    def held_by(self, user):
        """Accounts where the user is the current owner or deputy."""
        from accounts.models import Assignment

        return self.filter(pk__in=Assignment.objects.current().filter(person=user).values("account"))


class AssignmentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_at__isnull=True)

    def at(self, moment):
        """Assignments in force at a moment (answers "who was responsible on 12 March?")."""
        return self.filter(Q(started_at__lte=moment) & (Q(ended_at__isnull=True) | Q(ended_at__gt=moment)))


class PlatformQuerySet(models.QuerySet):
    def review_overdue(self, today):
        """Platforms whose catalogue entry was never reviewed, or not within a year (issue 14, rule
        platform-review-overdue), among those KI uses: allowed for new accounts, or with an account
        that is not closed. One query (a subquery for the platforms in use)."""
        import datetime

        from accounts.choices import AccountStatus
        from accounts.models import SocialAccount

        in_use = SocialAccount.objects.exclude(
            status__in=(AccountStatus.REJECTED, AccountStatus.DECOMMISSIONED)
        ).values("platform_id")
        stale = Q(reviewed_on__isnull=True) | Q(reviewed_on__lte=today - datetime.timedelta(days=365))
        return self.filter(Q(allowed_for_new=True) | Q(pk__in=in_use), stale)
