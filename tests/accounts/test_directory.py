"""The public directory (accounts.directory, accounts.directory_views): who is listed, what is shown,
the "is this an official KI account?" check, the JSON versions, language and query counts.

The directory answers the public's question "does KI stand behind this account?" (SEND-1) and
never presents a student-ambassador account as an official channel (PRIV-3)."""

import json
import re
from urllib.parse import parse_qsl

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts import directory, directory_views
from accounts.choices import AccountStatus, Classification
from tests import factories

pytestmark = pytest.mark.django_db

PAGE = reverse("directory:index")
LIST_JSON = reverse("directory:accounts-json")
CHECK_JSON = reverse("directory:check-json")

ALL_STATUSES = list(AccountStatus)
NOT_ACTIVE = [s for s in AccountStatus if s != AccountStatus.ACTIVE]


@pytest.fixture
def units():
    """Karolinska Institutet > Universitetsförvaltningen > Kommunikationsavdelningen, and a
    department with a division below it."""
    root = factories.UnitFactory(name="Karolinska Institutet", name_en="Karolinska Institutet")
    admin = factories.UnitFactory(name="Universitetsförvaltningen", name_en="University Administration", parent=root)
    comms = factories.UnitFactory(name="Kommunikationsavdelningen", name_en="Communications Office", parent=admin)
    meds = factories.UnitFactory(name="Institutionen för medicin, Solna", name_en="Department of Medicine", parent=root)
    cardio = factories.UnitFactory(name="Avdelningen för kardiologi", name_en="Division of Cardiology", parent=meds)
    return {"root": root, "admin": admin, "comms": comms, "meds": meds, "cardio": cardio}


@pytest.fixture
def ki_instagram(units):
    return factories.SocialAccountFactory(
        name="Karolinska Institutet",
        handle="karolinskainstitutet",
        url="https://instagram.com/karolinskainstitutet",
        unit=units["comms"],
    )


@pytest.fixture
def ambassadors(units):
    return factories.SocialAccountFactory(
        name="KI Student Life",
        platform=factories.platform("tiktok"),
        handle="@kistudentlife",
        url="https://tiktok.com/@kistudentlife",
        unit=units["comms"],
        classification=Classification.STUDENT_AMBASSADOR,
    )


def account(status=AccountStatus.ACTIVE, classification=Classification.OFFICIAL, **kwargs):
    return factories.SocialAccountFactory(status=status, classification=classification, **kwargs)


# The client's requests pick their language in LocaleMiddleware (translation.override does not
# reach them): English is asked for with the Accept-Language header, as a browser would.
EN = {"accept-language": "en"}


def listed_names(client, **params) -> list[str]:
    return [a["name"] for a in client.get(LIST_JSON, params).json()["accounts"]]


def page_html(client, headers=None, **params) -> str:
    response = client.get(PAGE, params, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def answer_region(html: str) -> str:
    """The check's aria-live answer region of the page."""
    start = html.index('id="check-answer"')
    return html[start : html.index("</section>", start)]


def check(client, q: str, headers=None) -> dict:
    return client.get(CHECK_JSON, {"q": q}, headers=headers).json()


# ---------------------------------------------------------------------------------------------
# Who is listed: the permission matrix over every status and both classifications
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("classification", list(Classification))
@pytest.mark.parametrize("status", ALL_STATUSES)
def test_only_active_accounts_appear_in_the_directory(client, status, classification):
    """Every status x classification: the page and the JSON list show an account only when it is
    active, whether official or student ambassador (PRIV-3); drafts, requests, approved,
    decommissioning and decommissioned accounts are not listed."""
    acc = account(status, classification, name="Unique Listed Account", handle="uniquelisted")

    html = page_html(client)
    names = listed_names(client)

    visible = status == AccountStatus.ACTIVE
    assert ("Unique Listed Account" in html) is visible
    assert ("uniquelisted" in html) is visible
    assert names == (["Unique Listed Account"] if visible else [])
    assert list(directory.directory_accounts()) == ([acc] if visible else [])


@pytest.mark.parametrize("classification", list(Classification))
@pytest.mark.parametrize("status", ALL_STATUSES)
def test_the_check_knows_only_active_accounts(client, status, classification):
    """Every status x classification: the check recognises an account only when it is active; an
    official one is "official", a student-ambassador one "student_ambassador" (PRIV-3), any
    other status "not_found", exactly as for an address never registered (SEND-1)."""
    account(status, classification, handle="uniquelisted", url="https://instagram.com/uniquelisted")

    answer = check(client, "https://www.instagram.com/uniquelisted/")

    expected = classification.value if status == AccountStatus.ACTIVE else "not_found"
    assert answer["answer"] == expected
    assert len(answer["accounts"]) == (1 if status == AccountStatus.ACTIVE else 0)


def test_student_ambassador_accounts_are_shown_as_such_never_as_official(client, ki_instagram, ambassadors):
    """PRIV-3: a student-ambassador account is listed with its own label and "not an official KI
    channel"; it never carries the official label, and the JSON says ``official: false``."""
    html = page_html(client)
    rows = dict(re.findall(r'<tr data-classification="(\w+)">(.*?)</tr>', html, re.S))
    assert set(rows) == {"official", "student_ambassador"}
    with translation.override("sv"):
        official_label = str(Classification.OFFICIAL.label)
        ambassador_label = str(Classification.STUDENT_AMBASSADOR.label)
    assert "KI Student Life" in rows["student_ambassador"]
    assert 'data-label="student_ambassador"' in rows["student_ambassador"]
    assert ambassador_label in rows["student_ambassador"]
    assert 'data-label="official"' not in rows["student_ambassador"]
    assert official_label not in rows["student_ambassador"]
    assert official_label in rows["official"]

    by_name = {a["name"]: a for a in client.get(LIST_JSON).json()["accounts"]}
    assert by_name["KI Student Life"]["classification"] == "student_ambassador"
    assert by_name["KI Student Life"]["official"] is False
    assert by_name["Karolinska Institutet"]["official"] is True


def test_no_personal_data_in_the_page_or_the_json(client, units):
    """The directory shows what the account itself shows publicly: never the owner's, deputy's or
    manager's names, usernames or e-mail addresses, nor the purpose, goals or registry address."""
    owner = factories.UserFactory(
        username="owner-xq", first_name="Ottilia", last_name="Ägarsson", email="ottilia.agarsson@ki.se"
    )
    deputy = factories.UserFactory(
        username="deputy-xq", first_name="Desmond", last_name="Ersättare", email="desmond.ersattare@ki.se"
    )
    manager = factories.UserFactory(username="manager-xq", first_name="Mona", last_name="Prefektsson")
    unit = units["comms"]
    unit.manager = manager
    unit.registry_email = "registrator.secret@ki.se"
    unit.save()
    factories.staffed_account(
        owner=owner,
        deputy=deputy,
        unit=unit,
        name="Staffed Account",
        handle="staffedaccount",
        url="https://instagram.com/staffedaccount",
        purpose="Hemligt syfte som inte ska visas",
        goal="Interna mål",
        holiday_cover="Ottilia täcker jul",
        created_by=owner,
    )
    secrets = [
        "Ottilia",
        "Ägarsson",
        "owner-xq",
        "ottilia.agarsson",
        "Desmond",
        "Ersättare",
        "deputy-xq",
        "desmond.ersattare",
        "Mona",
        "Prefektsson",
        "manager-xq",
        "registrator.secret",
        "Hemligt syfte",
        "Interna mål",
    ]

    outputs = {
        "page": page_html(client),
        "page with answer": page_html(client, check="instagram.com/staffedaccount"),
        "json list": client.get(LIST_JSON).content.decode(),
        "json check": client.get(CHECK_JSON, {"q": "@staffedaccount"}).content.decode(),
    }

    assert "Staffed Account" in outputs["page"]
    assert check(client, "@staffedaccount")["answer"] == "official"
    leaks = [(where, s) for where, text in outputs.items() for s in secrets if s in text]
    assert leaks == []


def test_json_accounts_carry_only_the_public_fields(client, ki_instagram):
    """The documented JSON shape, and nothing more: the keys of an account are fixed."""
    payload = client.get(LIST_JSON).json()

    assert set(payload) == {"version", "filters", "count", "page", "pages", "page_size", "next", "previous", "accounts"}
    assert payload["version"] == 1
    assert payload["count"] == 1
    (entry,) = payload["accounts"]
    assert set(entry) == {"name", "platform", "handle", "url", "classification", "official", "unit"}
    assert entry["platform"] == {"slug": "instagram", "name": "Instagram"}
    assert set(entry["unit"]) == {"id", "name", "name_en", "hierarchy"}
    assert [u["name"] for u in entry["unit"]["hierarchy"]] == [
        "Karolinska Institutet",
        "Universitetsförvaltningen",
        "Kommunikationsavdelningen",
    ]
    assert all(set(u) == {"id", "name", "name_en"} for u in entry["unit"]["hierarchy"])


# ---------------------------------------------------------------------------------------------
# The check
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pasted",
    [
        "https://www.instagram.com/karolinskainstitutet/?hl=sv",
        "instagram.com/karolinskainstitutet",
        "http://m.instagram.com/KarolinskaInstitutet",
        "  https://instagram.com/karolinskainstitutet/reels/  ",
        "@karolinskainstitutet",
        "karolinskainstitutet",
        "KarolinskaInstitutet",
    ],
)
def test_check_recognises_an_official_account_however_it_is_written(client, ki_instagram, pasted):
    """SEND-1: a pasted address (with or without scheme, www, tracking parameters, upper case) or
    handle of an official account answers "yes", with the account, its platform and its unit."""
    answer = check(client, pasted)

    assert answer["answer"] == "official"
    (entry,) = answer["accounts"]
    assert entry["name"] == "Karolinska Institutet"
    assert entry["platform"]["slug"] == "instagram"
    assert entry["unit"]["name"] == "Kommunikationsavdelningen"
    assert answer["query"] == pasted.strip()

    html = answer_region(page_html(client, check=pasted))
    assert 'data-answer="official"' in html
    assert "Karolinska Institutet" in html
    assert "Instagram" in html
    assert "Kommunikationsavdelningen" in html


def test_check_of_an_address_reports_how_it_was_read(client, ki_instagram):
    answer = check(client, "https://www.instagram.com/karolinskainstitutet/?hl=sv")

    assert answer["recognised"] == {"platform": "instagram", "handle": "karolinskainstitutet"}
    assert check(client, "@karolinskainstitutet")["recognised"] is None


def test_a_bare_handle_matches_on_every_platform(client, units, ki_instagram):
    """A handle alone may be KI's on several platforms: the answer lists them all (including the
    normalised forms "@name" on TikTok and "school/name" on LinkedIn), and no one else's."""
    account(
        name="KI TikTok",
        platform=factories.platform("tiktok"),
        handle="@karolinskainstitutet",
        url="https://tiktok.com/@karolinskainstitutet",
        unit=units["comms"],
    )
    account(
        name="KI LinkedIn",
        platform=factories.platform("linkedin"),
        handle="school/karolinskainstitutet",
        url="https://linkedin.com/school/karolinskainstitutet",
        unit=units["comms"],
    )
    account(name="Someone else", handle="karolinskainstitutet2", unit=units["comms"])

    answer = check(client, "@KarolinskaInstitutet")

    assert answer["answer"] == "official"
    assert sorted(a["platform"]["slug"] for a in answer["accounts"]) == ["instagram", "linkedin", "tiktok"]


def test_a_handle_on_another_platform_is_not_a_match(client, ki_instagram):
    """An address is matched on its own platform only: KI's Instagram handle on X is unknown."""
    assert check(client, "https://x.com/karolinskainstitutet")["answer"] == "not_found"


def test_student_ambassador_account_is_answered_as_not_official(client, ambassadors):
    """PRIV-3: the check says a student-ambassador account is not an official KI channel."""
    answer = check(client, "https://www.tiktok.com/@kistudentlife")

    assert answer["answer"] == "student_ambassador"
    assert answer["accounts"][0]["official"] is False
    html = answer_region(page_html(client, EN, check="https://www.tiktok.com/@kistudentlife"))
    assert 'data-answer="student_ambassador"' in html
    assert 'data-answer="official"' not in html
    assert "KI Student Life" in html
    assert "PRIV-3" in html


@pytest.mark.parametrize("status", NOT_ACTIVE)
def test_an_inactive_account_is_answered_exactly_like_an_unknown_one(client, units, status):
    """An account that exists but is not active (a draft, a request, decommissioned ...) gets the
    same answer, word for word, as an address never registered: its existence does not leak."""
    account(status, name="Hidden Account", handle="hiddenaccount", url="https://instagram.com/hiddenaccount")
    hidden = check(client, "https://instagram.com/hiddenaccount")
    unknown = check(client, "https://instagram.com/neverregistered")
    hidden_html = answer_region(page_html(client, check="https://instagram.com/hiddenaccount"))
    unknown_html = answer_region(page_html(client, check="https://instagram.com/neverregistered"))

    assert hidden["answer"] == "not_found"
    echoes = {"query": "", "recognised": None, "report_url": ""}  # these repeat the address asked about
    assert {**hidden, **echoes} == {**unknown, **echoes}
    assert hidden_html.replace("hiddenaccount", "X") == unknown_html.replace("neverregistered", "X")
    assert "Hidden Account" not in hidden_html


def test_the_impostor_answer_says_where_to_report(client, settings, ki_instagram):
    """SEND-1: "no" tells the visitor where to report a suspected impostor (the communications
    department's address from the settings) and what to include."""
    settings.COMMS_EMAIL = "impostors@example.ki.se"
    html = answer_region(page_html(client, EN, check="https://www.instagram.com/karolinska.institutet.official"))
    answer = check(client, "https://www.instagram.com/karolinska.institutet.official")

    assert 'data-answer="not_found"' in html
    assert 'href="mailto:impostors@example.ki.se"' in html
    assert "screenshot" in html
    assert answer["answer"] == "not_found"
    assert answer["accounts"] == []
    assert answer["report_to"] == "impostors@example.ki.se"


@pytest.mark.parametrize(
    "pasted",
    [
        "",
        "   ",
        "hello world",
        "<script>alert(1)</script>",
        "https://www.instagram.com/p/C1a2b3c4d5/",
        "https://example.com/karolinskainstitutet",
        "ftp://instagram.com/karolinskainstitutet",
    ],
)
def test_garbage_gets_a_clear_validation_message(client, ki_instagram, pasted):
    """Empty or unreadable input is refused with a message, never answered yes or no."""
    response = client.get(CHECK_JSON, {"q": pasted})

    assert response.status_code == 400
    payload = response.json()
    assert payload["answer"] == "invalid"
    assert payload["message"]
    assert "accounts" not in payload

    html = page_html(client, check=pasted)
    region = answer_region(html)
    assert 'id="check-error"' in region
    assert "data-answer" not in region
    assert "<script>alert" not in html


def test_overlong_input_is_refused_cleanly(client, ki_instagram, django_assert_num_queries):
    """A check longer than any profile address and an overlong search are refused with a message
    and without querying the accounts; the page still renders."""
    long_check = "https://instagram.com/" + "a" * 5000
    with django_assert_num_queries(0):
        response = client.get(CHECK_JSON, {"q": long_check})
    assert response.status_code == 400
    with translation.override("sv"):  # the visitor's language: Swedish by default
        assert response.json()["message"] == str(directory.MSG_TOO_LONG)
    assert len(response.json()["query"]) == directory.CHECK_MAX_LENGTH

    html = page_html(client, check=long_check)
    assert 'id="check-error"' in answer_region(html)

    response = client.get(LIST_JSON, {"q": "x" * (directory.SEARCH_MAX_LENGTH + 1)})
    assert response.status_code == 400
    assert "q" in response.json()["errors"]
    html = page_html(client, q="x" * 1000)
    assert 'class="invalid-feedback' in html
    assert "Karolinska Institutet</th>" not in html.replace("<br>", "</th>")  # no list on a bad search


def test_the_check_selector_reads_in_two_queries(ki_instagram, django_assert_num_queries):
    with django_assert_num_queries(2):
        answer = directory.directory_check("@karolinskainstitutet")
    assert answer.is_official
    assert [u.name for u in answer.entries[0].unit_chain] == [
        "Karolinska Institutet",
        "Universitetsförvaltningen",
        "Kommunikationsavdelningen",
    ]


# ---------------------------------------------------------------------------------------------
# Search, filters and grouping
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def spread(units, ki_instagram, ambassadors):
    """Accounts in the department, its division and the communications office."""
    account(
        name="MedS Solna",
        platform=factories.platform("x"),
        handle="medsolna",
        url="https://x.com/medsolna",
        unit=units["meds"],
    )
    account(name="KI Kardiologi", handle="kikardiologi", url="https://instagram.com/kikardiologi", unit=units["cardio"])
    account(
        name="KI Kardiologi",
        platform=factories.platform("facebook"),
        handle="kikardiologi",
        url="https://facebook.com/kikardiologi",
        unit=units["cardio"],
    )
    return units


def test_search_finds_name_handle_address_and_unit(client, spread):
    assert sorted(listed_names(client, q="kardio")) == ["KI Kardiologi", "KI Kardiologi"]
    assert listed_names(client, q="MEDSOLNA") == ["MedS Solna"]
    assert listed_names(client, q="tiktok.com") == ["KI Student Life"]
    # By the unit's Swedish or English name.
    assert sorted(listed_names(client, q="Kommunikationsavdelningen")) == ["KI Student Life", "Karolinska Institutet"]
    assert sorted(listed_names(client, q="Division of Cardiology")) == ["KI Kardiologi", "KI Kardiologi"]
    assert listed_names(client, q="nothing like this") == []


def test_unit_filter_includes_the_units_below(client, spread):
    meds = spread["meds"]
    assert sorted(listed_names(client, unit=meds.pk)) == ["KI Kardiologi", "KI Kardiologi", "MedS Solna"]
    assert sorted(listed_names(client, unit=spread["cardio"].pk)) == ["KI Kardiologi", "KI Kardiologi"]
    assert len(listed_names(client, unit=spread["root"].pk)) == 5


def test_platform_filter_and_combined_filters(client, spread):
    assert sorted(listed_names(client, platform="instagram")) == ["KI Kardiologi", "Karolinska Institutet"]
    assert listed_names(client, platform="facebook", unit=spread["meds"].pk, q="kardio") == ["KI Kardiologi"]
    payload = client.get(LIST_JSON, {"platform": "facebook", "unit": spread["meds"].pk, "q": "kardio"}).json()
    assert payload["filters"] == {"q": "kardio", "unit": spread["meds"].pk, "platform": "facebook", "since": None}


def test_filters_offer_only_units_and_platforms_of_the_directory(client, spread):
    """Units without listed accounts (and not above one) and platforms without listed accounts are
    not offered; a unit or platform that is not offered is refused."""
    empty = factories.UnitFactory(name="Tom enhet utan konton")
    account(AccountStatus.DRAFT, name="Draft", platform=factories.platform("vimeo"), handle="draft", unit=empty)

    html = page_html(client)
    assert "Tom enhet utan konton" not in html
    assert 'value="vimeo"' not in html
    assert 'value="tiktok"' in html

    assert client.get(LIST_JSON, {"unit": empty.pk}).status_code == 400
    assert client.get(LIST_JSON, {"platform": "vimeo"}).status_code == 400
    assert client.get(LIST_JSON, {"unit": "abc"}).status_code == 400
    assert 'class="invalid-feedback' in page_html(client, unit=empty.pk)


def test_the_page_lists_accounts_by_name_with_their_units(client, spread):
    """One captioned table, rows ordered by account name, each with its platform, its unit and
    the units above it (for context)."""
    html = page_html(client)
    table = html[html.index("<table") : html.index("</table>")]
    assert "<caption" in table
    assert table.count('<th scope="col">') == 5
    names = re.findall(r'<th scope="row">([^<]+)', table)
    # By name in the database's collation (which orders "KI S…" and "Kar…" its own way).
    assert sorted(names) == ["KI Kardiologi", "KI Kardiologi", "KI Student Life", "Karolinska Institutet", "MedS Solna"]
    assert names.index("MedS Solna") == 4
    cardio = table[table.index(">KI Kardiologi<") :]
    cardio = cardio[: cardio.index("</tr>")]
    assert "Avdelningen för kardiologi" in cardio
    assert "Karolinska Institutet › Institutionen för medicin, Solna" in cardio
    assert html.count("<h1") == 1


def test_counts_are_announced(client, spread):
    html = page_html(client, EN, q="kardio")
    assert '<p role="status">2 accounts</p>' in html


# ---------------------------------------------------------------------------------------------
# JSON: shape, CORS, caching
# ---------------------------------------------------------------------------------------------


def test_json_list_is_public_cors_and_briefly_cacheable(client, ki_instagram):
    response = client.get(LIST_JSON)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "public" in cache
    assert any(re.fullmatch(r"max-age=\d+", part) and 0 < int(part[8:]) <= 3600 for part in cache)
    assert json.loads(response.content)["version"] == 1


def test_json_check_shape_and_headers(client, ki_instagram):
    response = client.get(CHECK_JSON, {"q": "@karolinskainstitutet"})

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"]
    assert "Accept-Language" in response["Vary"]
    payload = response.json()
    assert set(payload) == {
        "version",
        "query",
        "answer",
        "message",
        "recognised",
        "accounts",
        "report_to",
        "known_impostor",  # records' fields (issue 14, docs/impostors.md)
        "report_url",
    }
    assert payload["version"] == 1
    assert payload["accounts"][0]["name"] == "Karolinska Institutet"


def test_json_check_message_follows_the_language(client, ki_instagram):
    english = check(client, "@karolinskainstitutet", EN)
    assert english["message"] == "Yes. This is an official KI account."


# ---------------------------------------------------------------------------------------------
# Access, methods, language, htmx
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PAGE, LIST_JSON, CHECK_JSON + "?q=@karolinskainstitutet"])
def test_no_login_needed(client, ki_instagram, url):
    """The directory is public: an anonymous visitor gets it, not a redirect to the login page."""
    response = client.get(url)
    assert response.status_code == 200
    assert "Karolinska Institutet" in response.content.decode()


def test_logged_in_staff_see_the_same_directory(client, outsider, ki_instagram, ambassadors):
    anonymous = listed_names(client)
    client.force_login(outsider)
    assert listed_names(client) == anonymous
    assert "KI Student Life" in page_html(client)


@pytest.mark.parametrize("url", [PAGE, LIST_JSON, CHECK_JSON])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_get_only(client, url, method):
    assert getattr(client, method)(url).status_code == 405


def test_head_is_allowed(client):
    assert client.head(PAGE).status_code == 200


def test_page_is_swedish_by_default_with_swedish_unit_names(client, ki_instagram):
    html = page_html(client)
    assert '<html lang="sv">' in html
    assert "Kommunikationsavdelningen" in html
    assert "Communications Office" not in html


def test_page_in_english(client, ki_instagram, ambassadors):
    """With Accept-Language: en the page, labels and unit names are English."""
    html = page_html(client, EN)

    assert '<html lang="en">' in html
    assert '<h1 class="h2">Directory of KI\'s social media accounts</h1>' in html
    assert "Is this an official KI account?" in html
    assert "Communications Office" in html
    assert "Student ambassador account" in html
    assert "Official KI channel" in html


def test_english_answer(client, ki_instagram):
    html = answer_region(page_html(client, EN, check="@karolinskainstitutet"))
    assert "Yes. This is an official KI account." in html
    assert "Communications Office" in html


def test_english_unit_names_in_the_selector(ki_instagram, english):
    """Unit names follow the active language (translation.override), falling back to Swedish."""
    (entry,) = directory.directory_list()
    assert [u.display_name for u in entry.unit_chain] == [
        "Karolinska Institutet",
        "University Administration",
        "Communications Office",
    ]


def test_htmx_check_returns_only_the_answer(client, ki_instagram, django_assert_num_queries):
    """With htmx the check form swaps the answer region only: no list, no layout, two queries."""
    with django_assert_num_queries(2):
        response = client.get(
            PAGE,
            {"check": "@karolinskainstitutet"},
            headers={"HX-Request": "true", "HX-Target": "check-answer"},
        )
    html = response.content.decode()
    assert 'data-answer="official"' in html
    assert "<html" not in html
    assert "<table" not in html


def test_the_page_has_the_accessibility_basics(client, ki_instagram):
    """One h1, a label for every field, an aria-live answer region, a search landmark."""
    html = page_html(client)
    assert html.count("<h1") == 1
    for field_id in ("id_check", "id_q", "id_unit", "id_platform"):
        assert f'for="{field_id}"' in html
        assert f'id="{field_id}"' in html
    assert 'id="check-answer" aria-live="polite"' in html
    assert 'role="search"' in html


# ---------------------------------------------------------------------------------------------
# Query counts
# ---------------------------------------------------------------------------------------------


def _make_accounts(n: int, units):
    kinds = [Classification.OFFICIAL, Classification.STUDENT_AMBASSADOR]
    slugs = ["instagram", "facebook", "x", "youtube", "tiktok"]
    parents = [units["comms"], units["meds"], units["cardio"]]
    for i in range(n):
        unit = factories.UnitFactory(parent=parents[i % 3]) if i % 4 == 0 else parents[i % 3]
        account(
            classification=kinds[i % 2],
            platform=factories.platform(slugs[i % 5]),
            unit=unit,
        )


def _count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url,params",
    [
        (PAGE, None),
        (PAGE, {"q": "KI", "platform": "instagram"}),
        (PAGE, {"check": "instagram.com/karolinskainstitutet"}),
        (LIST_JSON, None),
        (CHECK_JSON, {"q": "karolinskainstitutet"}),
    ],
)
def test_query_count_does_not_grow_with_the_accounts(client, units, url, params):
    """5 accounts or 50 (in more units), the same number of queries, and only a handful."""
    factories.SocialAccountFactory(handle="karolinskainstitutet", unit=units["comms"])
    _make_accounts(4, units)
    _count_queries(client, url, params)  # warm the cache: the platform catalogue (issue 14) is read once
    few = _count_queries(client, url, params)
    _make_accounts(45, units)
    _count_queries(client, url, params)  # warm again: new units renew the directory's kept units (org.unit_cache)
    many = _count_queries(client, url, params)

    assert few == many
    assert many <= 7


def test_the_unit_filter_adds_no_query(client, units, django_assert_num_queries):
    _make_accounts(10, units)
    # Units with their chain (2), platforms (1), the count and the page of accounts (2): the
    # chosen unit comes from the filter's own list.
    with django_assert_num_queries(5):
        client.get(PAGE, {"unit": units["meds"].pk})


# ---------------------------------------------------------------------------------------------
# Floors
# ---------------------------------------------------------------------------------------------


def test_directory_modules_stay_on_the_accounts_floor():
    """accounts imports only from audit, notifications and org (docs/architecture.md)."""
    from pathlib import Path

    from django.conf import settings

    for name in ("directory.py", "directory_views.py", "directory_urls.py"):
        source = (Path(settings.BASE_DIR) / "accounts" / name).read_text()
        imported = set(re.findall(r"^\s*(?:from|import) (\w+)", source, re.M))
        assert not imported & {"monitoring", "approvals", "records", "reports"}, name


# ---------------------------------------------------------------------------------------------
# Pages, the JSON's pages and the CSV (issue 12: no page grows with the directory)
# ---------------------------------------------------------------------------------------------

CSV = reverse("directory:accounts-csv")


@pytest.fixture
def five(units):
    """Five listed Instagram accounts (A…E) in the cardiology division, one Facebook account and
    one draft; pages of two."""
    for letter in "ABCDE":
        account(name=f"Konto {letter}", handle=f"konto{letter.lower()}", unit=units["cardio"])
    account(name="Konto F", handle="kontof", platform=factories.platform("facebook"), unit=units["comms"])
    account(AccountStatus.DRAFT, name="Konto utkast", handle="kontoutkast", unit=units["cardio"])
    return units


@pytest.fixture
def pages_of_two(monkeypatch):
    monkeypatch.setattr(directory_views, "PAGE_SIZE", 2)


def page_names(html: str) -> list[str]:
    return re.findall(r'<th scope="row">([^<]+)', html)


def pagination(html: str) -> str:
    start = html.rindex("<nav", 0, html.index('<ul class="pagination'))
    return html[start : html.index("</nav>", start)]


def test_the_page_shows_one_page_of_accounts_and_the_total(client, five, pages_of_two):
    html = page_html(client, EN)

    assert page_names(html) == ["Konto A", "Konto B"]
    assert "6 accounts, page 1 of 3" in html


def test_the_page_links_keep_the_search_and_filters(client, five, pages_of_two):
    """Page links carry q, unit and platform (not the check), and the current page is marked."""
    html = page_html(client, q="konto", platform="instagram", unit=five["meds"].pk, check="@kontoa", page=2)

    assert page_names(html) == ["Konto C", "Konto D"]
    nav = pagination(html)
    assert nav.startswith('<nav aria-label="Sidor">')
    assert 'aria-current="page"' in nav
    links = re.findall(r'href="\?([^"]+)"', nav)
    assert len(links) == 2  # previous and next
    for link in links:
        params = dict(parse_qsl(link.replace("&amp;", "&")))
        assert params.keys() == {"q", "unit", "platform", "page"}
        assert (params["q"], params["unit"], params["platform"]) == ("konto", str(five["meds"].pk), "instagram")
    assert sorted(dict(parse_qsl(link.replace("&amp;", "&")))["page"] for link in links) == ["1", "3"]


def test_the_last_page_has_no_next_link(client, five, pages_of_two):
    html = page_html(client, EN, page=3)
    assert page_names(html) == ["Konto E", "Konto F"]
    assert "Next" not in pagination(html)
    assert "Previous" in pagination(html)


def test_one_page_needs_no_pagination(client, five):
    html = page_html(client)
    assert len(page_names(html)) == 6
    assert '<ul class="pagination' not in html


@pytest.mark.parametrize("page", ["4", "0", "-1", "abc"])
def test_a_page_that_does_not_exist_answers_404(client, five, pages_of_two, page):
    """A page past the last, or a page number that is not a whole number from 1: 404, for the
    page and the JSON alike (docs/directory.md)."""
    assert client.get(PAGE, {"page": page}).status_code == 404
    assert client.get(LIST_JSON, {"page": page, "page_size": 2}).status_code == 404


def test_page_one_of_an_empty_list_is_an_empty_page(client, five):
    html = page_html(client, EN, q="no such account")
    assert "No accounts match the search." in html
    payload = client.get(LIST_JSON, {"q": "no such account"}).json()
    assert (payload["count"], payload["accounts"], payload["next"]) == (0, [], None)


def test_the_json_list_comes_in_pages_with_links(client, five):
    """count, page, pages, page_size, next and previous (absolute, keeping the filters);
    following next gives every account exactly once."""
    payload = client.get(LIST_JSON, {"platform": "instagram", "page_size": 2}).json()
    assert (payload["count"], payload["page"], payload["pages"], payload["page_size"]) == (5, 1, 3, 2)
    assert payload["previous"] is None
    assert payload["next"].startswith("http://testserver/directory/accounts.json?")
    assert "platform=instagram" in payload["next"]

    names = [a["name"] for a in payload["accounts"]]
    while payload["next"]:
        payload = client.get(payload["next"]).json()
        names += [a["name"] for a in payload["accounts"]]
    assert names == ["Konto A", "Konto B", "Konto C", "Konto D", "Konto E"]
    assert payload["page"] == 3
    assert "page=2" in payload["previous"]


def test_the_json_page_size_defaults_and_is_capped(client, five):
    assert client.get(LIST_JSON).json()["page_size"] == directory_views.JSON_PAGE_SIZE
    capped = client.get(LIST_JSON, {"page_size": 100_000}).json()
    assert capped["page_size"] == directory_views.JSON_MAX_PAGE_SIZE
    assert len(capped["accounts"]) == 6


@pytest.mark.parametrize("size", ["0", "abc"])
def test_a_bad_json_page_size_is_a_400_with_the_error(client, five, size):
    response = client.get(LIST_JSON, {"page_size": size})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"page_size"}


def csv_lines(response) -> list[list[str]]:
    import csv
    import io

    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_csv_streams_the_whole_directory(client, five, pages_of_two):
    """Every listed account (more than a page), no draft, the JSON's fields flat, as an
    attachment named for the day; public like the JSON."""
    response = client.get(CSV)

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="kipolicy_directory_\d{4}-\d{2}-\d{2}\.csv"', response["Content-Disposition"]
    )
    assert response["Access-Control-Allow-Origin"] == "*"
    header, *rows = csv_lines(response)
    assert tuple(header) == directory_views.CSV_COLUMNS
    assert [row[0] for row in rows] == ["Konto A", "Konto B", "Konto C", "Konto D", "Konto E", "Konto F"]
    first = dict(zip(header, rows[0], strict=True))
    assert first == {
        "name": "Konto A",
        "platform": "instagram",
        "handle": "kontoa",
        "url": "https://instagram.com/kontoa",
        "classification": "official",
        "official": "true",
        "unit_id": str(five["cardio"].pk),
        "unit": "Avdelningen för kardiologi",
        "unit_en": "Division of Cardiology",
        "hierarchy": "Karolinska Institutet > Institutionen för medicin, Solna > Avdelningen för kardiologi",
        "hierarchy_en": "Karolinska Institutet > Department of Medicine > Division of Cardiology",
    }


def test_the_csv_takes_the_page_filters(client, five):
    rows = csv_lines(client.get(CSV, {"platform": "facebook"}))[1:]
    assert [row[0] for row in rows] == ["Konto F"]
    assert client.get(CSV, {"platform": "vimeo"}).status_code == 400


def test_the_csv_guards_against_formulas(client, units):
    """A name that a spreadsheet would run as a formula is written as text."""
    account(name='=HYPERLINK("https://evil.example")', handle="formula", unit=units["comms"])
    (row,) = csv_lines(client.get(CSV))[1:]
    assert row[0] == '\'=HYPERLINK("https://evil.example")'


def test_the_page_links_to_the_csv_and_the_json_with_its_filters(client, five):
    assert f'href="{CSV}"' in page_html(client)
    html = page_html(client, platform="facebook")
    assert f'href="{CSV}?platform=facebook"' in html
    assert f'href="{LIST_JSON}?platform=facebook"' in html
