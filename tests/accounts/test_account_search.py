"""The account search behind the account pickers (/accounts/search/, accounts.views_search) and
the account field (accounts.fields.AccountMultipleField): only what the user may see (issue 12)."""

import pytest
from django import forms
from django.urls import reverse

from accounts.choices import AccountStatus
from accounts.fields import AccountMultipleField
from accounts.selectors import social_account_list
from tests import factories

URL = reverse("accounts:search")


def ids(client, q):
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return [r["id"] for r in response.json()["results"]]


@pytest.fixture
def accounts(db, owner):
    """An active account everyone sees, and a draft only its requester (and comms) sees."""
    public = factories.SocialAccountFactory(name="Karolinska Forskning", handle="kiforskning")
    draft = factories.SocialAccountFactory(
        name="Karolinska Hemligt", handle="kihemligt", status=AccountStatus.DRAFT, created_by=owner
    )
    return public, draft


def test_anonymous_is_sent_to_the_login_page(client, accounts):
    assert client.get(URL, {"q": "karolinska"}).status_code == 302


def test_finds_by_name_handle_and_number_within_what_the_user_sees(client, outsider, comms, accounts):
    public, draft = accounts
    client.force_login(outsider)
    assert ids(client, "karolinska") == [public.pk]
    assert ids(client, "kiforsk") == [public.pk]
    assert ids(client, str(public.pk)) == [public.pk]
    assert ids(client, "hemligt") == []  # a draft the outsider may not see
    assert ids(client, str(draft.pk)) == []
    client.force_login(comms)
    assert ids(client, "karolinska") == [public.pk, draft.pk]


def _form(data, user):
    class RequestForm(forms.Form):
        accounts = AccountMultipleField(label="Accounts", queryset=social_account_list(user=user))

    return RequestForm(data)


def test_field_accepts_checked_ids_and_typed_numbers(outsider, accounts):
    public, _draft = accounts
    other = factories.SocialAccountFactory()
    form = _form({"accounts": [str(public.pk), f" {other.pk}, "]}, outsider)
    assert form.is_valid(), form.errors
    assert set(form.cleaned_data["accounts"]) == {public, other}


def test_field_refuses_an_account_outside_the_users_view(outsider, accounts):
    _public, draft = accounts
    form = _form({"accounts": [str(draft.pk)]}, outsider)
    assert not form.is_valid()
    html = form["accounts"].as_widget()
    assert "Hemligt" not in html  # a posted id is never named back to someone who may not see it


def test_widget_renders_only_the_chosen_accounts_as_checked_boxes(outsider, accounts):
    public, _draft = accounts
    factories.SocialAccountFactory(name="Unchosen")
    html = _form({"accounts": [str(public.pk)]}, outsider)["accounts"].as_widget()
    assert f'type="checkbox" name="accounts" value="{public.pk}"' in html
    assert "Karolinska Forskning" in html and "Unchosen" not in html
    assert "<option" not in html


def test_the_handle_typed_exactly_comes_first_and_at_most_twenty_are_read(client, comms, monkeypatch):
    """Issue 12: the picker reads at most its 20 matches (core.search.first_matches), the account
    whose handle is typed exactly first though it sorts last by name, then by name."""
    from accounts import selectors

    monkeypatch.setattr(selectors, "ACCOUNT_SEARCH_LIMIT", 3)
    monkeypatch.setattr(selectors.social_account_search, "__kwdefaults__", {"limit": 3})
    for i in range(5):
        factories.SocialAccountFactory(name=f"A kanal {i}", handle=f"zkanal{i}")
    exact = factories.SocialAccountFactory(name="Ö sist", handle="zkanal")
    client.force_login(comms)
    found = ids(client, "zkanal")
    assert len(found) == 3 and found[0] == exact.pk
    names = list(social_account_list(user=comms).filter(pk__in=found[1:]).values_list("name", flat=True))
    assert names == sorted(names)
