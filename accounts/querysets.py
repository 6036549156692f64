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
