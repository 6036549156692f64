"""The people search (/people/search/, org.views_people) and the person field behind every person
picker (org.fields.PersonField), issue 12."""

import pytest
from django.urls import reverse

from org.fields import PersonField
from org.selectors import PERSON_SEARCH_LIMIT
from tests import factories
from tests.throttling import assert_throttled

URL = reverse("people:search")


def search(client, q, **params):
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200, response.status_code
    return response.json()["results"]


@pytest.fixture
def staff_client(client, outsider):
    """Any member of staff may search everyone: the pickers listed every active user before."""
    client.force_login(outsider)
    return client


def test_anonymous_is_sent_to_the_login_page(client, owner):
    response = client.get(URL, {"q": "olivia"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_only_get(staff_client):
    assert staff_client.post(URL, {"q": "olivia"}).status_code == 405


@pytest.mark.parametrize("q", ["Olivia", "olivi", "Ägare", "Olivia Äga", "owner", "OWNER", "owner@ki.se", "ner@ki"])
def test_finds_by_first_name_last_name_full_name_username_and_email(staff_client, owner, deputy, q):
    results = search(staff_client, q)
    assert [r["id"] for r in results] == [owner.pk]
    assert results[0]["label"] == "Olivia Ägare (owner)"
    assert results[0]["detail"] == "owner@ki.se"


def test_every_word_must_match(staff_client, owner, deputy):
    assert search(staff_client, "Olivia Ersättare") == []


def test_fewer_than_two_characters_find_no_one(staff_client, owner):
    assert search(staff_client, "o") == []
    assert search(staff_client, " ") == []


def test_at_most_twenty_by_name(staff_client):
    for i in range(PERSON_SEARCH_LIMIT + 5):
        factories.UserFactory(username=f"namesake{i:02d}", first_name="Anna", last_name=f"Andersson {i:02d}")
    results = search(staff_client, "anna andersson")
    assert len(results) == PERSON_SEARCH_LIMIT == 20
    assert [r["label"] for r in results] == sorted(r["label"] for r in results)


def test_the_username_typed_exactly_comes_first(staff_client):
    """Issue 12: only the first 20 matches are read; the one the query names exactly is among
    them and first, though "Ö" sorts last."""
    for i in range(PERSON_SEARCH_LIMIT + 5):
        factories.UserFactory(username=f"namesake{i:02d}", first_name="Anna", last_name=f"Andersson {i:02d}")
    exact = factories.UserFactory(username="namesake", first_name="Örjan", last_name="Sist")
    results = search(staff_client, "namesake")
    assert len(results) == PERSON_SEARCH_LIMIT and results[0]["id"] == exact.pk


def test_people_who_have_left_are_found_only_when_asked_for(staff_client):
    gone = factories.UserFactory(username="gone", first_name="Greta", last_name="Gången", is_active=False)
    assert search(staff_client, "greta") == []
    results = search(staff_client, "greta", inactive="1")
    assert [r["id"] for r in results] == [gone.pk]
    assert "inactive" in results[0]["detail"] or "inaktiv" in results[0]["detail"]


def test_rate_limited_per_user(client, outsider, owner, production_rates):
    client.force_login(outsider)
    allowed = int(production_rates["people-search"].split("/")[0])
    for _ in range(allowed):
        assert client.get(URL, {"q": "ol"}).status_code == 200
    assert_throttled(client.get(URL, {"q": "ol"}))
    other = factories.UserFactory(username="colleague")
    client.force_login(other)  # another person behind the same address is not limited
    assert client.get(URL, {"q": "ol"}).status_code == 200


# ---------------------------------------------------------------- the field


class _Form:
    """A form with one PersonField, built per test (the field's queryset is read at clean)."""

    @staticmethod
    def make(data, **kwargs):
        from django import forms

        class PersonForm(forms.Form):
            person = PersonField(label="Person", **kwargs)

        return PersonForm(data)


def test_field_accepts_an_id(owner):
    form = _Form.make({"person": str(owner.pk)})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["person"] == owner


@pytest.mark.parametrize("typed", ["owner", "OWNER", " owner@ki.se "])
def test_field_accepts_a_typed_username_or_email_without_javascript(owner, typed):
    form = _Form.make({"person": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["person"] == owner


def test_field_refuses_someone_unknown(owner, english):
    form = _Form.make({"person": "nobody"})
    assert not form.is_valid()
    assert "nobody" in form.errors["person"][0]


def test_field_refuses_people_who_have_left_by_id_and_by_name(db):
    gone = factories.UserFactory(username="gone", is_active=False)
    assert not _Form.make({"person": str(gone.pk)}).is_valid()
    assert not _Form.make({"person": "gone"}).is_valid()


def test_field_refuses_an_email_two_people_share(db, english):
    factories.UserFactory(username="twin1", email="twin@ki.se")
    factories.UserFactory(username="twin2", email="twin@ki.se")
    form = _Form.make({"person": "twin@ki.se"})
    assert not form.is_valid()
    assert "more than one" in form.errors["person"][0]


def test_field_refuses_an_id_too_long_for_the_database(db):
    assert not _Form.make({"person": "9" * 40}).is_valid()


def test_widget_renders_only_the_chosen_person(owner, deputy):
    html = _Form.make({"person": str(owner.pk)})["person"].as_widget()
    assert f'data-chosen-id="{owner.pk}"' in html
    assert 'data-chosen-label="Olivia Ägare (owner)"' in html
    assert 'value="owner"' in html
    assert "deputy" not in html and "<option" not in html
    assert f'data-url="{URL}"' in html


def test_widget_keeps_what_was_typed_when_it_named_no_one(db):
    html = _Form.make({"person": "nob ody"})["person"].as_widget()
    assert 'value="nob ody"' in html
    assert "data-chosen-id" not in html


def test_inactive_people_searchable_where_the_field_accepts_them(db):
    html = _Form.make({}, include_inactive=True)["person"].as_widget()
    assert f'data-url="{URL}?inactive=1"' in html


def test_field_names_the_person_who_has_left_when_their_id_is_sent(db, english):
    gone = factories.UserFactory(username="gone", first_name="Greta", last_name="Gången", is_active=False)
    form = _Form.make({"person": str(gone.pk)})
    assert not form.is_valid()
    assert form.errors["person"] == ["Greta Gången (gone) cannot be chosen here."]
