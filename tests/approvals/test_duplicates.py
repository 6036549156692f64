"""Likely duplicates for the communications department (START-2).

Run this file on SQLite and on PostgreSQL: the fixed dataset below must give the same ranked list
on both, which proves that the pg_trgm pre-filter drops nothing the Python score keeps.
"""

import itertools

import pytest
from django.db import connection

from accounts.choices import AccountStatus
from approvals.duplicates import likely_duplicates, similarity, trigrams
from tests import factories

pytestmark = pytest.mark.django_db

S = AccountStatus
NAME = "Institutionen för medicin, Solna"
PURPOSE = "Doktorander berättar om sin vardag vid institutionen för medicin i Solna."

# (a, b, similarity) worked out by hand from pg_trgm's definition; the first is the example in
# PostgreSQL's documentation of pg_trgm.
KNOWN = [
    ("word", "two words", 4 / 11),
    ("word", "word", 1.0),
    ("word", "WORD", 1.0),
    ("abc", "xyz", 0.0),
    ("", "abc", 0.0),
    ("ki_news", "ki news", 1.0),
    ("Forskning @ KI!", "forskning ki", 1.0),
]
# Pairs whose similarity the database must agree with: Swedish letters, punctuation, digits,
# case, one-letter words.
PAIRS = [
    ("word", "two words"),
    ("Institutionen för medicin", "medicin solna"),
    ("Institutionen för medicin, Solna", "Institutionen för medicin, Huddinge"),
    ("Institutionen för medicin, Solna", "Medicinska institutionen Solna"),
    ("KI Medicin Solna", "medicin solna"),
    ("Karolinska Institutet", "karolinskainstitutet"),
    ("ÅLÄNDSKA ÖAR", "åländska öar"),
    ("Ögonkliniken S:t Eriks", "S:t Eriks ögonsjukhus"),
    ("ki_news", "ki news"),
    ("Forskning @ KI!", "forskning ki 2025"),
    ("a", "a b"),
    ("Institutionen för medicin, Solna", "medicin_solna"),
]


def test_trigrams_are_padded_words_as_pg_trgm_makes_them():
    """START-2: each lower-cased word gives trigrams padded with two spaces before and one after."""
    assert trigrams("Cat") == {"  c", " ca", "cat", "at "}


@pytest.mark.parametrize(("a", "b", "expected"), KNOWN)
def test_similarity_has_pg_trgms_known_values(a, b, expected):
    """START-2: similarity() gives pg_trgm's values for pairs worked out by hand."""
    assert similarity(a, b) == pytest.approx(expected)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with pg_trgm; needs PostgreSQL")
@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_similarity_matches_pg_trgm(a, b):
    """START-2: the Python score equals PostgreSQL's pg_trgm similarity() for the same pair."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT similarity(%s, %s)", [a, b])
        (expected,) = cursor.fetchone()

    # pg_trgm returns a float4: equal to six decimals.
    assert similarity(a, b) == pytest.approx(expected, abs=1e-6)


@pytest.fixture
def target(make_draft):
    """A request for an Instagram account for the department, as comms sees it at sign-off."""
    return make_draft(name=NAME, purpose=PURPOSE)


@pytest.fixture
def dataset(org):
    """Existing and pending accounts around the department, each matching one way or none."""

    # Handles like "h1" share no trigram with the request's name, so only the intended reason matches.
    handles = itertools.count(1)

    def account(name, platform, unit, status=S.ACTIVE, **kwargs):
        kwargs.setdefault("handle", f"h{next(handles)}")
        kwargs.setdefault("purpose", "Berätta om forskningen vid KI.")
        return factories.SocialAccountFactory(
            name=name,
            platform=factories.platform(platform),
            unit=unit,
            status=status,
            url="",
            **kwargs,
        )

    # Same platform: in the same unit (with a similar name too), above and below.
    account("Institutionen för medicin Solna nyheter", "instagram", org.department)
    account("Karolinska Institutet", "instagram", org.university)
    account("Klinisk epidemiologi", "instagram", org.division, status=S.AWAITING_COMMS)
    # Elsewhere in KI: a similar name, purpose or handle.
    account("Medicinska institutionen Solna", "facebook", org.sibling)
    account("Doktorandliv", "youtube", org.sibling, purpose="Doktorander berättar om vardagen vid institutionen.")
    account("Solnanytt", "x", org.sibling, handle="medicin_solna")
    account("Medicin Solna nyheter", "linkedin", org.sibling)
    # No match: same platform in a sibling unit; another platform with a name just below the threshold.
    account("Neurovetenskap", "instagram", org.sibling)
    account("Medicin på Instagram", "facebook", org.department)
    # Closed accounts are never suggested, however close.
    account(NAME, "instagram", org.department, status=S.REJECTED)
    account(NAME, "x", org.sibling, status=S.DECOMMISSIONED)


def ranked(account) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(s.account.name, [(str(r), d) for r, d in s.reasons]) for s in likely_duplicates(account)]


def test_same_platform_in_the_same_unit_is_suggested_first(target, dataset, org, english):
    """START-2: an account on the same platform in the same unit heads the list."""
    first = ranked(target)[0]

    assert first[0] == "Institutionen för medicin Solna nyheter"
    assert first[1][0] == ("Same platform in the same unit", org.department.name)


def test_same_platform_above_and_below_follow(target, dataset, org, english):
    """START-2: the same platform in a unit above, then in a unit below, come next."""
    second, third = ranked(target)[1:3]

    assert second == ("Karolinska Institutet", [("Same platform in a unit above", org.university.name)])
    assert third == ("Klinisk epidemiologi", [("Same platform in a unit below", org.division.name)])


def test_similar_name_anywhere_is_suggested_with_its_percentage(target, dataset, english):
    """START-2: a similar name in another unit and on another platform is shown with its similarity."""
    suggestions = dict(ranked(target))

    assert suggestions["Medicinska institutionen Solna"] == [("Similar name", "77%")]


def test_closed_accounts_are_not_suggested(target, dataset):
    """START-2, DECOM-1: rejected and decommissioned accounts serve no need and are left out."""
    statuses = {s.account.status for s in likely_duplicates(target)}

    assert not statuses & {S.REJECTED, S.DECOMMISSIONED}


def test_ranked_list_is_the_same_on_every_database(target, dataset, org, english):
    """START-2: the fixed dataset gives this list, in this order, on SQLite and on PostgreSQL."""
    assert ranked(target) == [
        (
            "Institutionen för medicin Solna nyheter",
            [("Same platform in the same unit", org.department.name), ("Similar name", "80%")],
        ),
        ("Karolinska Institutet", [("Same platform in a unit above", org.university.name)]),
        ("Klinisk epidemiologi", [("Same platform in a unit below", org.division.name)]),
        ("Medicinska institutionen Solna", [("Similar name", "77%")]),
        ("Doktorandliv", [("Similar purpose", "66%")]),
        ("Solnanytt", [("Similar handle", "44%")]),
        ("Medicin Solna nyheter", [("Similar name", "35%")]),
    ]


def test_the_request_itself_is_not_its_own_duplicate(target, dataset):
    """START-2: the request under review is never suggested as a duplicate of itself."""
    assert target.pk not in {s.account.pk for s in likely_duplicates(target)}
