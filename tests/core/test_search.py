"""The search across everything (issue 14, core.search, /search/): one box, one results page
grouped by kind, finding only what the user may see — the permissions are in each kind's query
(accounts: the inventory's scope; records: the accounts whose evidence the user may see, REC-1,
CONT-2; people: the People pages' users; records requests: those who handle or audit them)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import AccountStatus
from core.search import search_words
from records.models import Block, Incident, Inquiry, RecordsRequest
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("search")


@pytest.fixture
def scene(evidence_account, owner):
    """An official account with a question, a removed post and a block; a draft of someone else's;
    a unit; a person; a records request."""
    account = evidence_account
    account.name, account.handle = "KI Forskningsnytt", "kiforskningsnytt"
    account.save(update_fields=["name", "handle"])
    draft = factories.staffed_account(name="Hemligt projekt", handle="kihemligt", status=AccountStatus.DRAFT)
    now = timezone.now()
    question = Inquiry.objects.create(
        account=account,
        received_at=now,
        due_at=now + datetime.timedelta(days=1),
        kind="question",
        summary="Hur anmäler man sig till föreläsningen om cancerforskning?",
    )
    removed = Incident.objects.create(
        account=account,
        seen_at=now,
        removed_at=now,
        poster="visitor",
        category="rules",
        description="Reklam för kryptovalutor",
        logged_by_repr="test",
    )
    block = Block.objects.create(
        account=account, visitor="@trollkonto99", reason="rules", blocked_at=now, decided_by_repr="test"
    )
    request = RecordsRequest.objects.create(
        received_at=now,
        requester="Journalist Jansson",
        asked_for="Alla kommentarer om föreläsningen",
        period_start=now.date(),
        period_end=now.date(),
    )
    unit = factories.UnitFactory(name="Institutionen för onkologi", name_en="Department of Oncology")
    person = factories.UserFactory(first_name="Łukasz", last_name="Nowakowski")
    return {
        "account": account,
        "draft": draft,
        "question": question,
        "removed": removed,
        "block": block,
        "request": request,
        "unit": unit,
        "person": person,
    }


def found(client, q, **params) -> dict[str, list[int]]:
    """The ids on the results page by kind (only the kinds the user may search)."""
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200
    return {group.kind.key: [item.pk for item in group.page.object_list] for group in response.context["groups"]}


def test_anonymous_is_sent_to_the_login_page(client):
    assert client.get(URL, {"q": "ki"}).status_code == 302


def test_the_owner_finds_the_account_by_handle_and_its_records_by_their_words(client, owner, scene):
    """REC-1, CONT-2: the account's keepers find its records; records requests and people are not
    theirs to search (no group at all)."""
    client.force_login(owner)
    assert found(client, "kiforskningsnytt")["accounts"] == [scene["account"].pk]
    result = found(client, "anmäler föreläsningen")
    assert result["questions"] == [scene["question"].pk]
    assert "people" not in result and "records-requests" not in result
    assert found(client, "kryptovalutor")["removed-posts"] == [scene["removed"].pk]
    assert found(client, "trollkonto")["blocks"] == [scene["block"].pk]
    assert found(client, "onkologi")["units"] == [scene["unit"].pk]


def test_an_outsider_finds_the_public_account_but_never_its_records_or_a_draft(client, outsider, scene):
    """Records are evidence (REC-1, CONT-2): seeing the account is not seeing its records."""
    client.force_login(outsider)
    assert found(client, "kiforskningsnytt")["accounts"] == [scene["account"].pk]
    assert found(client, "föreläsningen")["questions"] == []
    assert found(client, "kryptovalutor")["removed-posts"] == []
    assert found(client, "trollkonto")["blocks"] == []
    assert found(client, "hemligt")["accounts"] == []
    assert found(client, "Nowakowski").keys() >= {"accounts", "units"}
    assert "people" not in found(client, "Nowakowski")


def test_the_manager_finds_the_records_of_the_units_below(client, manager, other_manager, scene):
    """RESP-1: the responsible manager sees the records; a manager of another unit does not."""
    client.force_login(manager)
    assert found(client, "föreläsningen")["questions"] == [scene["question"].pk]
    client.force_login(other_manager)
    assert found(client, "föreläsningen")["questions"] == []


def test_comms_finds_everything_a_person_by_name_and_a_records_request(client, comms, scene):
    client.force_login(comms)
    assert found(client, "Łukasz nowak")["people"] == [scene["person"].pk]
    assert found(client, "hemligt")["accounts"] == [scene["draft"].pk]
    assert found(client, "jansson")["records-requests"] == [scene["request"].pk]
    assert found(client, "cancerforskning")["questions"] == [scene["question"].pk]


def test_an_auditor_reads_records_requests_but_not_the_people_pages(client, auditor, scene):
    client.force_login(auditor)
    result = found(client, "föreläsningen")
    assert result["records-requests"] == [scene["request"].pk]
    assert result["questions"] == [scene["question"].pk]
    assert "people" not in result


def test_each_group_shows_five_and_links_to_all_of_them_a_page_at_a_time(client, comms):
    for i in range(7):
        factories.SocialAccountFactory(name=f"Sökbar kanal {i}", handle=f"sokbar{i}")
    client.force_login(comms)
    response = client.get(URL, {"q": "sökbar"})
    accounts = next(g for g in response.context["groups"] if g.kind.key == "accounts")
    # Issue 12: a group reads its five and one more, and says "more than 5" instead of counting.
    assert len(accounts.page.object_list) == 5 and (accounts.count, accounts.more_than) == (5, 5)
    assert "kind=accounts" in response.text
    response = client.get(URL, {"q": "sökbar", "kind": "accounts"})
    assert [g.kind.key for g in response.context["groups"]] == ["accounts"]
    group = response.context["groups"][0]
    assert len(group.page.object_list) == 7 and (group.count, group.more_than) == (7, None)


def test_what_the_query_names_exactly_comes_first_and_a_kind_reads_at_most_its_limit(client, comms, monkeypatch):
    """Issue 12: the handle typed exactly is first even when it sorts last by name and more
    accounts match than are read; the "all results" page stops at its limit and says so."""
    from core import views_search

    monkeypatch.setattr(views_search, "KIND_LIMIT", 4)
    for i in range(6):
        factories.SocialAccountFactory(name=f"A kanal {i}", handle=f"zkanal{i}")
    exact = factories.SocialAccountFactory(name="Ö sist i bokstavsordning", handle="zkanal")
    client.force_login(comms)
    accounts = next(g for g in client.get(URL, {"q": "zkanal"}).context["groups"] if g.kind.key == "accounts")
    assert accounts.page.object_list[0] == exact and accounts.more_than == 5
    group = client.get(URL, {"q": "zkanal", "kind": "accounts"}).context["groups"][0]
    assert group.page.object_list[0] == exact
    assert (len(group.page.object_list), group.count, group.more_than) == (4, 4, 4)


def test_a_query_of_one_character_finds_nothing_and_says_so(client, owner, scene):
    client.force_login(owner)
    response = client.get(URL, {"q": "k"})
    assert response.context["groups"] == []
    assert response.context["too_short"]
    assert search_words(" a ") == [] and search_words("a b c d e f g") == ["a", "b", "c", "d", "e"]


def test_the_header_has_the_search_box_for_logged_in_users_only(client, owner):
    assert 'id="header-search"' not in client.get(reverse("directory:index")).text
    client.force_login(owner)
    page = client.get(reverse("accounts:inventory")).text
    assert f'action="{URL}"' in page and 'id="header-search"' in page


def test_the_search_page_is_rate_limited_per_user(client, comms, owner, production_rates):
    """Stop 22: RATE_LIMIT_SEARCH requests a minute per user, then 429 with Retry-After; another
    user behind the same address is still served."""
    client.force_login(comms)
    for _ in range(int(production_rates["search"].split("/")[0])):
        assert client.get(URL, {"q": "zz"}).status_code == 200
    response = client.get(URL, {"q": "zz"})
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    client.force_login(owner)
    assert client.get(URL, {"q": "zz"}).status_code == 200


def test_a_query_of_signs_only_finds_nothing_without_an_error(client, comms, scene):
    """A word with no letters or digits is no full-text term: the kinds matched only by words
    find nothing (an empty search, never a query error)."""
    client.force_login(comms)
    result = found(client, "@@ ##")
    assert result["questions"] == [] and result["removed-posts"] == []


def test_a_stop_word_of_both_languages_does_not_hide_the_question(client, comms, scene):
    """PostgreSQL's full-text query of "i" (Swedish "in", English "I") is empty in both
    configurations and matched no row, so "cancerforskning i" found nothing there while SQLite's
    icontains found the question: such a word narrows nothing (core.search.STOP_WORDS_OF_EVERY_CONFIG)."""
    client.force_login(comms)
    assert found(client, "cancerforskning i")["questions"] == [scene["question"].pk]


def test_the_stop_words_are_those_of_both_postgresql_configurations(db):
    """The set is what the database says: each of its words has an empty query in both
    configurations, and a word of one list only does not."""
    from django.db import connection

    from core.search import CONFIGS, STOP_WORDS_OF_EVERY_CONFIG

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's text search configurations (SQLite matches by icontains)")
    with connection.cursor() as cursor:
        for word in [*STOP_WORDS_OF_EVERY_CONFIG, "och", "the"]:
            empty = []
            for config in CONFIGS:
                cursor.execute("SELECT numnode(to_tsquery(%s::regconfig, %s))", [config, word])
                empty.append(cursor.fetchone()[0] == 0)
            assert all(empty) == (word in STOP_WORDS_OF_EVERY_CONFIG), (word, empty)


def test_comms_searches_the_records_with_no_condition_on_the_accounts(comms, manager, scene):
    """Issue 12, fifth pass: those who read every account search the records alone; a semi-join
    on every account made PostgreSQL expect thousands of matches and start a parallel worker."""
    from records.search import find_blocks, find_questions, find_removed_posts

    for find in (find_questions, find_removed_posts, find_blocks):
        assert "accounts_socialaccount" not in str(find(comms, ["kryptovalutor"]).order_by().values("pk").query)
        # a manager's stays scoped to their units' accounts, in the query
        assert "accounts_socialaccount" in str(find(manager, ["kryptovalutor"]).order_by().values("pk").query)
