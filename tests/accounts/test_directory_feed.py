"""The public directory's Atom feed (issue 14, accounts.directory_feed) and the JSON list's
`since` filter: public, valid Atom 1.0 (RFC 4287, checked element by element with xml.etree),
only accounts that went live or were decommissioned, never a draft or an unlisted one."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import AccountStatus
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEED = reverse("directory:feed")
T0 = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC)


def _rfc3339(text: str) -> datetime.datetime:
    """Atom's dates are RFC 3339 date-times with a time zone."""
    moment = datetime.datetime.fromisoformat(text)
    assert moment.tzinfo is not None, text
    return moment


def assert_valid_atom(body: bytes) -> ET.Element:
    """The required elements of RFC 4287: the feed's id, title, updated and author (or an author
    on every entry), a self link; each entry's id, title, updated and alternate link, and ids
    unique in the feed."""
    feed = ET.fromstring(body)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
        assert feed.find(f"{ATOM}{name}").text, name
    _rfc3339(feed.find(f"{ATOM}updated").text)
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    assert any(link.get("rel") == "self" for link in feed.findall(f"{ATOM}link"))
    ids = []
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        _rfc3339(entry.find(f"{ATOM}updated").text)
        links = entry.findall(f"{ATOM}link")
        assert any(link.get("rel", "alternate") == "alternate" and link.get("href") for link in links)
        ids.append(entry.find(f"{ATOM}id").text)
    assert len(ids) == len(set(ids))
    return feed


@pytest.fixture
def history():
    live = factories.SocialAccountFactory(name="KI Nyheter", activated_at=T0)
    closed = factories.SocialAccountFactory(
        name="KI Gammalt",
        status=AccountStatus.DECOMMISSIONED,
        activated_at=T0 - datetime.timedelta(days=400),
        decommissioned_at=T0 + datetime.timedelta(days=1),
    )
    draft = factories.SocialAccountFactory(name="KI Utkast", status=AccountStatus.DRAFT, activated_at=None)
    requested = factories.SocialAccountFactory(name="KI Begärt", status=AccountStatus.AWAITING_COMMS, activated_at=None)
    return live, closed, draft, requested


def titles(feed) -> list[str]:
    return [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]


def test_the_feed_is_valid_atom_with_accounts_that_went_live_or_were_decommissioned(client, history):
    response = client.get(FEED, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = assert_valid_atom(response.content)
    assert titles(feed) == [
        "Decommissioned: KI Gammalt (Instagram)",
        "Went live: KI Nyheter (Instagram)",
        "Went live: KI Gammalt (Instagram)",
    ]
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href") == history[1].url
    assert _rfc3339(entry.find(f"{ATOM}updated").text) == T0 + datetime.timedelta(days=1)
    assert _rfc3339(feed.find(f"{ATOM}updated").text) == T0 + datetime.timedelta(days=1)
    assert b"Utkast" not in response.content and "Begärt".encode() not in response.content
    # Swedish by default.
    assert titles(assert_valid_atom(client.get(FEED).content))[0] == "Avvecklat: KI Gammalt (Instagram)"


def test_an_empty_feed_is_valid_too(client):
    assert_valid_atom(client.get(FEED).content)


def test_the_directory_page_links_to_the_feed(client, history):
    page = client.get(reverse("directory:index")).text
    assert f'<link rel="alternate" type="application/atom+xml" href="{FEED}"' in page


def test_the_feed_runs_two_queries_however_many_accounts(client, django_assert_num_queries):
    for i in range(60):
        factories.SocialAccountFactory(activated_at=T0 + datetime.timedelta(minutes=i))
    with django_assert_num_queries(2):
        feed = assert_valid_atom(client.get(FEED).content)
    assert len(feed.findall(f"{ATOM}entry")) == 50


def test_the_json_list_since_keeps_accounts_changed_at_or_after(client, history):
    live, _closed, _draft, _requested = history
    url = reverse("directory:accounts-json")
    assert client.get(url).json()["count"] == 1
    later = timezone.now() + datetime.timedelta(minutes=1)
    payload = client.get(url, {"since": later.isoformat()}).json()
    assert payload["count"] == 0 and payload["filters"]["since"] == later.isoformat()
    live.name = "KI Nyheter och forskning"
    live.save()  # updated_at moves on
    earlier = timezone.now() - datetime.timedelta(seconds=5)
    payload = client.get(url, {"since": earlier.isoformat().replace("+00:00", "Z")}).json()
    assert [a["name"] for a in payload["accounts"]] == ["KI Nyheter och forskning"]


def test_a_malformed_since_is_a_400_that_says_why(client):
    response = client.get(reverse("directory:accounts-json"), {"since": "yesterday"})
    assert response.status_code == 400
    assert "since" in response.json()["errors"]
