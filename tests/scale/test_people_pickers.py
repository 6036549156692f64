"""Issue 12: no page lists every person (or every account) as options. With 3 000 people and
3 000 accounts, every page that shows a person field or filter, or the records request's
accounts, stays under MAX_HTML_BYTES and holds no option per person or per account: the pickers
(core.widgets.SearchSelect) render only what is chosen and search for the rest."""

import pytest
from django.urls import reverse

from accounts.choices import AccountStatus, Classification
from accounts.models import SocialAccount
from org.models import User
from tests import factories
from tests.scale.flat import MAX_HTML_BYTES

PEOPLE = 3_000
ACCOUNTS = 3_000


@pytest.fixture
def crowd(db):
    """3 000 active people and 3 000 active accounts (bulk, no assignments: nothing else needs them)."""
    User.objects.bulk_create(
        User(
            username=f"crowd{i:04d}",
            first_name=f"Förnamn{i:04d}",
            last_name=f"Efternamn{i:04d}",
            email=f"crowd{i:04d}@ki.se",
            password="!",
        )
        for i in range(PEOPLE)
    )
    unit = factories.UnitFactory()
    platform = factories.platform()
    SocialAccount.objects.bulk_create(
        SocialAccount(
            name=f"Crowd account {i:04d}",
            platform=platform,
            handle=f"crowdaccount{i:04d}",
            url=f"https://instagram.com/crowdaccount{i:04d}",
            unit=unit,
            classification=Classification.OFFICIAL,
            status=AccountStatus.ACTIVE,
        )
        for i in range(ACCOUNTS)
    )


def _pages(comms, owner, registrar, account, draft, unit):
    """(who, url) of every page with a person or account picker."""
    return [
        (comms, reverse("accounts:inventory") + f"?person={owner.pk}"),
        (comms, reverse("accounts:create")),
        (comms, reverse("accounts:update", args=[account.pk])),
        (owner, reverse("approvals:request-create")),
        (owner, reverse("approvals:request-update", args=[draft.pk])),
        (comms, reverse("approvals:detail", args=[account.pk])),  # handover and new deputy
        (comms, reverse("org:unit-create")),
        (comms, reverse("org:unit-update", args=[unit.pk])),
        (registrar, reverse("records:request-list")),  # the records request's accounts
    ]


@pytest.mark.django_db
def test_every_picker_page_stays_small_with_3000_people_and_accounts(
    client, crowd, comms, owner, deputy, manager, registrar
):
    account = factories.staffed_account(owner=owner, deputy=deputy, unit=factories.UnitFactory(manager=manager))
    draft = factories.SocialAccountFactory(status=AccountStatus.DRAFT, created_by=owner, unit=account.unit)
    sizes = {}
    for user, url in _pages(comms, owner, registrar, account, draft, account.unit):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        html = response.content.decode()
        sizes[url] = len(response.content)
        assert len(response.content) < MAX_HTML_BYTES, (url, len(response.content))
        assert "crowd0" not in html and "Crowd account 0" not in html, f"{url} lists the crowd"
        assert html.count("<option") < 200, (url, html.count("<option"))
        assert "data-search-select" in html, f"{url} has no picker"
    print("\n".join(f"{size:>8} {url}" for url, size in sizes.items()))


@pytest.mark.django_db
def test_the_pickers_show_only_the_chosen_people(client, crowd, comms, owner, deputy, manager):
    """The account's edit page names its owner and deputy (and only them) in its pickers."""
    account = factories.staffed_account(owner=owner, deputy=deputy, unit=factories.UnitFactory(manager=manager))
    client.force_login(comms)
    html = client.get(reverse("accounts:update", args=[account.pk])).content.decode()
    assert f'data-chosen-id="{owner.pk}"' in html
    assert f'data-chosen-id="{deputy.pk}"' in html
    assert 'value="owner"' in html  # the username: what the text box takes without JavaScript
