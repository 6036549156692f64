"""Query-count guard (issue 12) for the platform catalogue's list (issue 14): the same queries and a
bounded page after the catalogue has more than doubled and its platforms carry accounts."""

import pytest
from django.urls import reverse

from accounts.models import Platform
from tests import factories
from tests.scale.flat import assert_flat

pytestmark = pytest.mark.django_db


def _grow():
    """As many new platforms as the catalogue has (reviewed long ago: all in the overdue queue),
    each with a few accounts."""
    for i in range(Platform.objects.count()):
        platform = Platform.objects.create(slug=f"extra-{i}", name=f"Extra {i}", domains=[f"extra{i}.example.org"])
        for _ in range(3):
            factories.SocialAccountFactory(platform=platform)


@pytest.mark.parametrize("who", ["comms", "auditor"])
@pytest.mark.parametrize("params", ["", "?review=overdue"])
def test_the_platform_list_stays_flat(client, request, who, params):
    client.force_login(request.getfixturevalue(who))
    assert_flat(client, reverse("platforms:list") + params, _grow)
