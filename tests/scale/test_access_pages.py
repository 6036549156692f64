"""Query-count guards for the access page and the account page's access panel (issue 15): the
same queries whether the account has 6 publishers or 40 (tests/scale/flat.py)."""

import pytest
from django.urls import reverse

from accounts.choices import PublisherStatus
from accounts.models import Publisher
from tests import factories
from tests.scale.flat import assert_flat

pytestmark = pytest.mark.django_db


def _publishers(account, n: int) -> None:
    for i in range(n):
        if i % 4 == 3:
            Publisher.objects.create(
                account=account, agency_name=f"Byrå {i}", agency_contact="a@b.se", platform_role="editor"
            )
        else:
            status = PublisherStatus.PENDING if i % 2 else PublisherStatus.CONFIRMED
            factories.PublisherFactory(account=account, status=status)


@pytest.mark.parametrize("who", ["owner", "manager", "comms"])
@pytest.mark.parametrize("url_name", ["accounts:access", "accounts:detail"])
def test_the_access_pages_are_flat(client, request, evidence_account, who, url_name):
    _publishers(evidence_account, 6)
    client.force_login(request.getfixturevalue(who))
    url = reverse(url_name, args=[evidence_account.pk])
    assert_flat(client, url, lambda: _publishers(evidence_account, 34))


def test_the_partner_list_is_flat(client, comms):
    """PURP-4: the list of collaboration partners, a page at a time."""
    from accounts.models import CollaborationPartner

    def grow(n):
        start = CollaborationPartner.objects.count()
        CollaborationPartner.objects.bulk_create(CollaborationPartner(name=f"Partner {start + i}") for i in range(n))

    grow(6)
    client.force_login(comms)
    assert_flat(client, reverse("accounts:partners"), lambda: grow(40))
    # A partner's edit form is the same page, the list beside it.
    first = CollaborationPartner.objects.order_by("pk").first()
    assert_flat(client, reverse("accounts:partner-update", args=[first.pk]), lambda: grow(40))
