"""Query-count guard for the bulk handover page of a leaver (issue 13): the same queries, and no
larger than the limit, whether the leaver held 6 accounts or 14 (tests/scale/flat.py)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Handover
from tests import factories
from tests.scale.flat import assert_flat

pytestmark = pytest.mark.django_db


def _hold(leaver, unit, n: int) -> None:
    """n accounts, alternately owned and deputised by the leaver (the other keeper a new person
    each time), every third with a pending handover."""
    for i in range(n):
        if i % 2:
            account = factories.staffed_account(deputy=leaver, unit=unit)
        else:
            account = factories.staffed_account(owner=leaver, unit=unit)
        if i % 3 == 0:
            Handover.objects.create(account=account, from_person=leaver, to_person=factories.UserFactory())


@pytest.mark.parametrize("who", ["comms", "manager"])
def test_the_handover_page_is_flat(client, request, who, manager):
    department = factories.UnitFactory(manager=manager)
    unit = factories.UnitFactory(parent=department)
    leaver = factories.UserFactory(left_on=timezone.localdate(), is_active=False)
    _hold(leaver, unit, 6)
    client.force_login(request.getfixturevalue(who))
    url = reverse("people:handover", args=[leaver.pk])
    assert_flat(client, url, lambda: _hold(leaver, unit, 8))
