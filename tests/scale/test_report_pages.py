"""Query-count guards (issue 12) for the compliance overview, the compliance report (its form and
the report on screen) and the export pages, for the communications department, an auditor and a
responsible manager: the same number of queries after the accounts and their findings and records
have more than doubled, and an answer under 200 KB (tests/scale/flat.py).

The report on screen is guarded beyond SCREEN_ACCOUNTS accounts, where the account table is
paginated, at two sizes, computed directly and from the figures the nightly job keeps
(reports.kept); computed directly, reports over REPORTS_INLINE_MAX_ACCOUNTS are made by a job and
not drawn at all, from kept figures they are drawn with the same queries as small ones."""

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from monitoring import selectors
from org.calendar import local_day
from records.models import Block, Incident, Inquiry
from reports import compliance, kept, report_files
from reports.models import ExportJob
from reports.views_report import half_years
from tests import factories
from tests.scale.bounded import assert_bounded
from tests.scale.flat import assert_flat

STHLM = ZoneInfo("Europe/Stockholm")
START = datetime.date(2026, 9, 1)
PERIOD = {"start": START.isoformat(), "end": "2026-09-30"}
RULES = itertools.cycle(["no-owner", "no-deputy", "missed-monitoring", "sender-unverified"])
_numbers = itertools.count()


@pytest.fixture
def tree(manager):
    """The manager's department with two units below it, and a unit that is not theirs."""
    department = factories.UnitFactory(manager=manager, name="Institutionen")
    below = [factories.UnitFactory(parent=department, name=f"Grupp {n}") for n in range(2)]
    elsewhere = factories.UnitFactory(name="Annan")
    return [department, *below, elsewhere]


def add_accounts(units, count: int) -> None:
    """`count` accounts spread over `units`, each with what the report and the overview read: an
    owner and a deputy, check-ins, a screenshot, a follow-up, a removed post, a question, a block,
    and an open and a resolved finding."""
    activated = datetime.datetime(2026, 8, 1, 9, 0, tzinfo=STHLM)
    for n in range(count):
        i = next(_numbers)
        account = factories.SocialAccountFactory(unit=units[n % len(units)], activated_at=activated)
        owner, deputy = factories.UserFactory(), factories.UserFactory()
        factories.AssignmentFactory(account=account, person=owner, role=Role.OWNER, started_at=activated)
        factories.AssignmentFactory(account=account, person=deputy, role=Role.DEPUTY, started_at=activated)
        for day in range(1, 20, 1 + i % 3):
            factories.CheckInFactory(account=account, day=START + datetime.timedelta(days=day))
        factories.SnapshotFactory(account=account, taken_on=datetime.date(2026, 8, 2))
        factories.FollowUpFactory(account=account)
        seen = datetime.datetime(2026, 9, 3, 10, 0, tzinfo=STHLM)
        Incident.objects.create(
            account=account,
            seen_at=seen,
            removed_at=seen,
            poster="visitor",
            category="c_defamation",
            description="Kommentar",
            logged_by_repr="test",
            hand_off="archive",
        )
        Inquiry.objects.create(
            account=account, received_at=seen, due_at=seen + datetime.timedelta(days=1), kind="question", summary="?"
        )
        Block.objects.create(
            account=account, visitor="@troll", reason="d_incitement", blocked_at=seen, decided_by_repr="x"
        )
        opened = timezone.now() - datetime.timedelta(days=3)
        factories.FindingFactory(account=account, rule=next(RULES), opened_at=opened)
        factories.FindingFactory(
            account=account, rule="coverage-gap", opened_at=seen, resolved_at=seen + datetime.timedelta(days=1)
        )


@pytest.fixture
def users(comms, auditor, manager):
    return {"comms": comms, "auditor": auditor, "manager": manager}


def grower(units, before: int, after: int):
    """Accounts from `before` to `after` (more than double), in the same units."""
    add_accounts(units, before)
    return lambda: add_accounts(units, after - before)


WHO = ["comms", "auditor", "manager"]


@pytest.mark.parametrize("cached", [False, True], ids=["computed", "cached"])
@pytest.mark.parametrize("who", WHO)
def test_the_compliance_overview_is_flat(client, users, tree, who, cached, monkeypatch):
    """The overview's figures are aggregates, and its open findings come a page at a time: after the
    growth there are more findings than fit on a page. Computed (no cache) and from the cache."""
    monkeypatch.setattr(selectors, "OVERVIEW_PAGE_SIZE", 10)
    monkeypatch.setattr(selectors, "OVERVIEW_CACHE_SECONDS", 3600 if cached else 0)
    grow = grower(tree, 4, 16)
    client.force_login(users[who])
    assert_flat(client, reverse("monitoring:overview"), grow)
    assert_flat(client, reverse("monitoring:overview") + "?page=2", lambda: add_accounts(tree, 4))


@pytest.mark.parametrize("who", WHO)
def test_the_report_form_and_the_export_pages_are_flat(client, users, tree, who):
    client.force_login(users[who])
    user = users[who]
    grow = grower(tree, 3, 8)

    def grow_with_jobs():
        grow()
        for _n in range(30):  # more than a page of the user's export jobs
            ExportJob.objects.create(requested_by=user, kind="inventory", fmt="csv")

    ExportJob.objects.create(requested_by=user, kind="inventory", fmt="csv")  # an empty list runs no select
    for url in (reverse("reports:compliance"), reverse("reports:audit-trail")):
        assert_flat(client, url, lambda: add_accounts(tree, 3))
    assert_flat(client, reverse("reports:job-list"), grow_with_jobs)


@pytest.mark.parametrize("who", WHO)
def test_the_report_on_screen_is_flat(client, users, tree, who, monkeypatch):
    """From 4 to 12 accounts, with room for 5 on screen: the page lists 4, then the 5 that need
    attention most of 12, with the same queries and well under 200 KB."""
    monkeypatch.setattr(report_files, "SCREEN_ACCOUNTS", 5)
    monkeypatch.setattr(compliance, "CHUNK", 5)  # the files' chunks: the screen reads in one
    grow = grower(tree[:3], 4, 12)
    client.force_login(users[who])
    url = reverse("reports:compliance") + f"?unit={tree[0].pk}&start={PERIOD['start']}&end={PERIOD['end']}"

    queries, size = assert_flat(client, url, grow)

    response = client.get(url)
    assert len(response.context["rows"]) == 5 and response.context["account_count"] == 12
    # The report's pass and the previous period's, for page 1's trend (issue 16), each a fixed
    # number of queries.
    assert queries < 45


@pytest.mark.parametrize("who", ["comms", "auditor"])
def test_the_report_of_all_of_ki_on_screen_is_flat(client, users, tree, who, monkeypatch):
    monkeypatch.setattr(report_files, "SCREEN_ACCOUNTS", 5)
    monkeypatch.setattr(compliance, "CHUNK", 5)
    grow = grower(tree, 4, 12)
    client.force_login(users[who])
    url = reverse("reports:compliance") + f"?start={PERIOD['start']}&end={PERIOD['end']}"

    assert_flat(client, url, grow)


@pytest.mark.parametrize("who", ["comms", "manager"])
def test_a_report_too_large_for_the_screen_is_flat(client, users, tree, who, settings):
    """Over REPORTS_INLINE_MAX_ACCOUNTS the page counts the accounts and offers the job."""
    settings.REPORTS_INLINE_MAX_ACCOUNTS = 2
    grow = grower(tree[:3], 3, 8)
    client.force_login(users[who])
    url = reverse("reports:compliance") + f"?unit={tree[0].pk}&start={PERIOD['start']}&end={PERIOD['end']}"

    assert_flat(client, url, grow)
    assert client.get(url).context["too_large"]


# A manager reports on their units only: no all-of-KI case for them.
KEPT_CASES = [(who, scope) for who in WHO for scope in ("unit", "ki") if (who, scope) != ("manager", "ki")]


@pytest.mark.parametrize(("who", "scope"), KEPT_CASES)
def test_the_report_on_screen_from_kept_figures_is_flat(client, users, tree, who, scope, monkeypatch, settings):
    """Issue 12: with the figures kept by the nightly job the page reads its scope's kept rows and one
    page of accounts: the same queries for 11 and for 24 accounts, the second size beyond
    REPORTS_INLINE_MAX_ACCOUNTS (drawn all the same), and a page no longer after growing."""
    settings.REPORTS_INLINE_MAX_ACCOUNTS = 12
    monkeypatch.setattr(report_files, "SCREEN_ACCOUNTS", 5)
    # From 11 accounts (more than a page of the table, and the ten of the attention list) to 24.
    add = grower(tree[:3], 11, 24)
    kept.report_figures_keep()

    def grow():
        add()
        kept.report_figures_keep()

    client.force_login(users[who])
    half = half_years(local_day(timezone.now()))[0][0]
    url = reverse("reports:compliance") + f"?half={half}" + (f"&unit={tree[0].pk}" if scope == "unit" else "")

    queries, _size = assert_bounded(client, url, grow)

    response = client.get(url)
    assert response.context["kept_at"] is not None and "too_large" not in response.context
    assert len(response.context["rows"]) == 5 and response.context["account_count"] == 24
    assert queries < 30


@pytest.mark.parametrize("who", WHO)
def test_the_compliance_report_in_the_api_is_flat(client, users, tree, who):
    """The API's report lists every account of its scope up to REPORTS_INLINE_MAX_ACCOUNTS (a
    larger scope is refused): the answer grows with them, by design, but its queries do not."""
    grow = grower(tree[:3], 4, 12)
    client.force_login(users[who])
    url = reverse("api:compliance") + f"?unit={tree[0].pk}&start={PERIOD['start']}&end={PERIOD['end']}"
    assert_flat(client, url, grow)
    assert len(client.get(url).json()["accounts"]) == 12


@pytest.mark.parametrize("who", ["comms", "manager", "owner"])
@pytest.mark.parametrize("url_name", ["reports:inventory-csv", "reports:inventory-xlsx"])
def test_the_inventory_exports_read_in_a_fixed_number_of_queries(client, request, tree, who, url_name, settings):
    """The inventory as a file is the whole list, by design (XLSX up to REPORTS_INLINE_MAX_ACCOUNTS
    within the request): it grows with the accounts, its queries do not."""
    settings.REPORTS_INLINE_MAX_ACCOUNTS = 100
    grow = grower(tree[:3], 4, 12)
    client.force_login(request.getfixturevalue(who))
    assert_flat(client, reverse(url_name), grow, max_bytes=1_000_000)
    if url_name.endswith("csv"):  # every account, the owner's the public ones
        response = client.get(reverse(url_name))
        assert b"".join(response.streaming_content).decode().count("\n") == 1 + 12
