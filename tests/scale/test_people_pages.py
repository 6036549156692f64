"""Issue 13: the People pages stay flat. The list shows 50 people a page with their unit and roles
in a fixed number of queries however many people there are; the person page shows a page of the
person's accounts, absences and identities in a fixed number of queries however many they have."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.choices import Role
from org import roles
from org.choices import IdentityProvider
from org.models import ExternalIdentity
from tests import factories
from tests.scale.flat import assert_flat

pytestmark = pytest.mark.django_db


def _people(n: int, unit, group):
    for _ in range(n):
        person = factories.UserFactory(unit=unit)
        person.groups.add(group)


def test_the_people_list_runs_as_many_queries_with_60_or_180_people(client, comms):
    unit = factories.UnitFactory()
    group = Group.objects.get(name=roles.AUDITOR)
    _people(60, unit, group)
    client.force_login(comms)

    queries, size = assert_flat(client, reverse("people:list"), lambda: _people(120, unit, group))
    assert_flat(client, reverse("people:list") + "?q=a&role=auditor", lambda: _people(60, unit, group))
    print(f"\n/people/: {queries} queries, {size} bytes")


def test_the_person_page_runs_as_many_queries_with_30_or_90_accounts(client, comms, owner):
    unit = factories.UnitFactory(manager=owner)

    def grow(n: int):
        for i in range(n):
            account = factories.SocialAccountFactory(unit=unit)
            factories.AssignmentFactory(account=account, person=owner, role=Role.OWNER)
            day = datetime.date(2026, 1, 1) + datetime.timedelta(days=3 * i)
            factories.AbsenceFactory(person=owner, first_day=day, last_day=day)
        ExternalIdentity.objects.create(user=owner, provider=IdentityProvider.SAML, subject=f"owner-{n}@ki.se")

    grow(30)
    client.force_login(comms)

    queries, size = assert_flat(client, reverse("people:detail", args=[owner.pk]), lambda: grow(60))
    print(f"\n/people/<id>/: {queries} queries, {size} bytes")
