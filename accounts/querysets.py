from django.db import models
from django.db.models import Q

from org import roles
from org.models import Unit


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
        qs = self.visible_to(user)
        if not user.is_authenticated or roles.reads_every_account(user):
            return qs
        from accounts.models import Assignment

        condition = Q(pk__in=Assignment.objects.current().filter(person=user).values("account"))
        condition |= Q(unit__in=Unit.objects.managed_by(user))
        return qs.filter(condition)

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
