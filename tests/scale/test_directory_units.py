"""Query-count guards (issue 12) for the public directory and the unit pages: the same queries,
and a response under 200 KB, after the data behind them has more than doubled.

Each ``grow`` at least doubles what the page lists: accounts (listed and not listed, with an
owner and a deputy), the units they belong to and, for the unit pages, the units right below.
The pages are asked for anonymously (the directory) and as a few roles: comms (reads every
account), an auditor, a responsible manager (their subtree and the public accounts) and staff
with no role (the public accounts only)."""

import itertools

import pytest
from django.urls import reverse

from accounts.choices import AccountStatus, Classification
from org.models import Unit
from tests import factories
from tests.scale.flat import assert_flat

pytestmark = pytest.mark.django_db

_seq = itertools.count()


@pytest.fixture
def tree(manager):
    """A root with two departments (the first managed by ``manager``), each with a division."""
    root = factories.UnitFactory(name="Karolinska Institutet", name_en="Karolinska Institutet")
    managed = factories.UnitFactory(parent=root, name="Institutionen A", manager=manager)
    other = factories.UnitFactory(parent=root, name="Institutionen B")
    for parent in (managed, other):
        factories.UnitFactory(parent=parent, name=f"Avdelning under {parent.name}")
    return root


def add_data(root: Unit, *, units: int, accounts_per_unit: int) -> None:
    """As many new departments below the root as it has (the root's units below double), then
    below each department ``units`` new divisions, each with ``accounts_per_unit`` staffed
    accounts on several platforms: active official and student-ambassador ones (listed) and
    drafts (not listed)."""
    departments = list(Unit.objects.filter(parent=root))
    departments += [factories.UnitFactory(parent=root, name=f"Institutionen {next(_seq)}") for _ in departments]
    platforms = ["instagram", "facebook", "x", "youtube"]
    for department in departments:
        for _ in range(units):
            division = factories.UnitFactory(parent=department, name=f"Avdelning {next(_seq)}")
            for i in range(accounts_per_unit):
                n = next(_seq)
                factories.staffed_account(
                    unit=division if i % 3 else department,
                    name=f"KI konto {n}",
                    handle=f"kikonto{n}",
                    platform=factories.platform(platforms[n % len(platforms)]),
                    classification=Classification.STUDENT_AMBASSADOR if n % 5 == 0 else Classification.OFFICIAL,
                    status=AccountStatus.DRAFT if n % 7 == 0 else AccountStatus.ACTIVE,
                )


def grow(root: Unit):
    """More than doubles the accounts, the units and the root's units below; the first
    department's divisions grow from 3 to 6."""
    return lambda: add_data(root, units=3, accounts_per_unit=8)


@pytest.fixture
def populated(tree):
    """More than a page of listed accounts to start with (4 departments, 3 divisions each below
    the first two, 2 below the others; 96 accounts), so that both sizes show full pages."""
    add_data(tree, units=2, accounts_per_unit=12)
    return tree


# ---------------------------------------------------------------------------------------------
# The public directory
# ---------------------------------------------------------------------------------------------

DIRECTORY = reverse("directory:index")
JSON = reverse("directory:accounts-json")
CSV = reverse("directory:accounts-csv")


@pytest.mark.parametrize(
    "url",
    [
        DIRECTORY,
        DIRECTORY + "?page=2",
        DIRECTORY + "?q=konto&platform=instagram",
        DIRECTORY + "?check=instagram.com/kikonto1",
        JSON,
        JSON + "?page=2&page_size=20",
    ],
)
def test_the_directory_does_not_grow_for_anonymous_visitors(client, populated, url):
    assert_flat(client, url, grow(populated))


def test_the_unit_filter_does_not_grow(client, populated):
    department = Unit.objects.filter(parent=populated).order_by("pk").first()
    assert_flat(client, f"{DIRECTORY}?unit={department.pk}", grow(populated))


@pytest.mark.parametrize("role", ["comms", "outsider"])
def test_the_directory_does_not_grow_for_logged_in_staff(client, populated, request, role):
    client.force_login(request.getfixturevalue(role))
    assert_flat(client, DIRECTORY, grow(populated))


def test_the_csv_streams_every_account_in_the_same_queries(client, populated):
    """The CSV grows with the directory, by design (it is the whole list), but its queries do
    not: rows come from one server-side cursor, units from the filter's one query."""
    assert_flat(client, CSV, grow(populated), max_bytes=10_000_000)


# ---------------------------------------------------------------------------------------------
# The unit pages
# ---------------------------------------------------------------------------------------------

UNITS = reverse("org:unit-list")


def unit_page(unit: Unit, page: int | None = None) -> str:
    url = reverse("org:unit-detail", args=[unit.pk])
    return f"{url}?page={page}" if page else url


@pytest.mark.parametrize("role", ["comms", "auditor", "manager", "outsider"])
def test_the_unit_list_does_not_grow(client, populated, request, role):
    """Every unit, on one page: units follow the organisation (a few hundred at KI), not the
    inventory, and the list shows no per-unit figures."""
    client.force_login(request.getfixturevalue(role))
    assert_flat(client, UNITS, grow(populated))


@pytest.mark.parametrize("role", ["comms", "auditor", "manager", "outsider"])
def test_the_root_unit_page_does_not_grow(client, populated, request, role):
    client.force_login(request.getfixturevalue(role))
    assert_flat(client, unit_page(populated), grow(populated))
    assert_flat(client, unit_page(populated, page=2), grow(populated))


@pytest.mark.parametrize("role", ["comms", "manager", "outsider"])
def test_a_department_page_does_not_grow(client, populated, request, role):
    """The manager's own department: its divisions (units below) and accounts both grow."""
    department = Unit.objects.get(name="Institutionen A")
    client.force_login(request.getfixturevalue(role))
    assert_flat(client, unit_page(department), grow(populated))
