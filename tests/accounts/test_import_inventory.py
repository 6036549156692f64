"""The real inventory (issue 13): an import file as KI really has it, with accounts without a
deputy and owners who have never logged in, is imported with warnings; the people it names who
are not users yet become pending people, once each; the compliance sweep then reports the missing
deputies (RES-2); importing the same file again changes nothing."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import is_password_usable
from django.urls import reverse

from accounts import imports
from accounts.choices import Origin, Role
from accounts.imports import RowOutcome, import_apply, parse_table, plan_import
from accounts.models import Assignment, SocialAccount
from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from monitoring.models import Finding
from monitoring.services import compliance_sweep
from org.services import person_create
from tests import factories
from tests.accounts.test_imports import state, upload

pytestmark = pytest.mark.django_db

User = get_user_model()
IMPORT = reverse("accounts:import")
CONFIRM = reverse("accounts:import-confirm")
HEADER = ["Namn", "Adress", "Enhet", "Kontoansvarig", "Kontoansvarig namn", "Ersättare", "Syfte"]
ROWS = 300


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def en_client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def inventory(db):
    """A department with its manager and ten members of staff who have logged in."""
    manager = factories.UserFactory(username="prefekt")
    unit = factories.UnitFactory(name="Institutionen för medicin, Solna", manager=manager)
    staff = [factories.UserFactory(username=f"staff{i}", email=f"staff.{i}@ki.se") for i in range(10)]
    return unit, staff


def inventory_rows(unit, staff) -> tuple[list[list], set[int], set[str]]:
    """300 rows as the inventory really is: every third without a deputy (100 rows), every fifth
    (60 rows) owned by one of 20 people who are not users yet, named by e-mail (each three
    times, half of them with their name). Returns the rows, the row numbers without a deputy and
    the pending people's e-mail addresses."""
    rows, no_deputy, pending = [HEADER], set(), set()
    for i in range(ROWS):
        if i % 5 == 0:
            n = (i // 5) % 20
            owner = f"Ny.Person{n}@ki.se"
            owner_name = f"Ny Personsson {n}" if n % 2 else ""
            pending.add(owner.lower())
        else:
            owner, owner_name = staff[i % 10].username, ""
        deputy = "" if i % 3 == 0 else staff[(i + 1) % 10].email
        if not deputy:
            no_deputy.add(len(rows) + 1)
        rows.append(
            [
                f"KI inventariet {i}",
                f"https://www.instagram.com/ki_inventariet_{i}/",
                unit.name,
                owner,
                owner_name,
                deputy,
                "Berätta om forskningen vid institutionen.",
            ]
        )
    return rows, no_deputy, pending


def test_person_create_adds_a_pending_person(comms):
    """Issue 13: a pending person has an unusable password, has never logged in, gets a user name
    from the e-mail address (unique) and an audited user.create."""
    factories.UserFactory(username="anna.svensson@ki.se", email="annan@ki.se")

    person = person_create(actor=comms, first_name="Anna", last_name="Svensson", email="Anna.Svensson@ki.se")

    person.refresh_from_db()
    assert person.username == "anna.svensson@ki.se-2"
    assert (person.first_name, person.last_name, person.email) == ("Anna", "Svensson", "Anna.Svensson@ki.se")
    assert person.is_pending and not is_password_usable(person.password) and person.is_active
    event = AuditEvent.objects.get(action="user.create", object_id=str(person.pk))
    assert event.actor == comms
    assert event.after["email"] == "Anna.Svensson@ki.se"


def test_person_create_refuses_an_e_mail_address_someone_has_in_any_case(comms):
    factories.UserFactory(username="bo", email="bo.berg@ki.se")

    with pytest.raises(ApplicationError):
        person_create(actor=comms, first_name="Bo", last_name="Berg", email="BO.BERG@KI.SE")
    with pytest.raises(ApplicationError):
        person_create(actor=comms, first_name="Bo", last_name="Berg", email="inte en adress")
    assert not AuditEvent.objects.filter(action="user.create").exists()


def test_person_create_is_for_comms_and_administrators(outsider):
    with pytest.raises(NotAllowed):
        person_create(actor=outsider, first_name="Bo", last_name="Berg", email="bo.berg@ki.se")


def test_the_dry_run_of_the_real_inventory_warns_and_refuses_nothing(comms, inventory):
    """Issue 13: rows without a deputy and rows naming people who are not users yet are to be
    created, each with its warning on its column; nothing is written by the dry run."""
    unit, staff = inventory
    rows, no_deputy, pending = inventory_rows(unit, staff)
    before = state()

    plan = plan_import(parse_table(upload("xlsx", rows)), actor=comms)

    assert plan.counts == {"create": ROWS, "duplicate": 0, "invalid": 0}
    assert {r.row for r in plan.rows if any(n.column == "deputy" for n in r.warnings)} == no_deputy
    assert len([r for r in plan.rows if "owner" in r.pending]) == 60
    assert len(plan.with_warnings) == len(no_deputy | {r.row for r in plan.rows if r.pending})
    assert {p.key for p in plan.pending_people} == pending
    named = {p.key: (p.first_name, p.last_name) for p in plan.pending_people}
    assert named["ny.person1@ki.se"] == ("Ny Personsson", "1")
    assert named["ny.person0@ki.se"] == ("Ny", "Person0")  # from the e-mail address
    assert state() == before


def test_300_accounts_import_with_warnings_then_the_sweep_reports_the_missing_deputies(en_client, comms, inventory):
    """Issue 13, RES-2: the dry-run page lists the warnings and the counts; confirming imports all
    300 accounts and adds the 20 pending people once each; the compliance sweep then opens a
    no-deputy finding for exactly the 100 accounts without a deputy; the same file again
    changes nothing and adds no second pending person."""
    unit, staff = inventory
    rows, no_deputy, pending = inventory_rows(unit, staff)
    en_client.force_login(comms)

    preview = en_client.post(IMPORT, {"file": upload("csv-utf8-bom-semicolon", rows)})

    assert preview.context["counts"] == {"create": ROWS, "duplicate": 0, "invalid": 0}
    assert preview.context["warning_count"] == 100 + 60 - 20  # rows 0, 15, 30, ... have both
    assert len(preview.context["pending_people"]) == 20
    content = preview.content.decode()
    assert "300 rows will be created" in content
    assert "140 of them have warnings and will be imported anyway" in content
    assert "20 people who are not users yet will be added as pending people" in content
    assert "Column deputy/ersättare:" in content
    assert "Import 300 accounts" in content

    response = en_client.post(CONFIRM, {"token": preview.context["token"]}, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["300 accounts imported."]
    imported = SocialAccount.objects.filter(origin=Origin.IMPORT)
    assert imported.count() == ROWS
    people = User.objects.filter(email__in=[p.replace("ny.p", "Ny.P") for p in pending])
    assert people.count() == 20
    assert all(p.is_pending and not p.has_usable_password() for p in people)
    assert AuditEvent.objects.filter(action="user.create", actor=comms).count() == 20
    assert Assignment.objects.current().filter(role=Role.OWNER, person__in=people).count() == 60
    without_deputy = set(
        imported.exclude(pk__in=Assignment.objects.current().filter(role=Role.DEPUTY).values("account")).values_list(
            "pk", flat=True
        )
    )
    assert len(without_deputy) == len(no_deputy) == 100

    compliance_sweep()

    findings = Finding.objects.filter(rule="no-deputy", resolved_at__isnull=True)
    assert set(findings.values_list("account_id", flat=True)) == without_deputy

    # The same file again: every row is a duplicate, nothing to confirm, nothing written.
    before = (state(), User.objects.count())
    again = en_client.post(IMPORT, {"file": upload("csv-utf8-bom-semicolon", rows)})

    assert again.context["counts"] == {"create": 0, "duplicate": ROWS, "invalid": 0}
    assert again.context["token"] is None
    assert not again.context["pending_people"]
    assert (state(), User.objects.count()) == before


def test_a_pending_person_named_in_many_rows_is_created_once_and_owns_them_all(comms, inventory):
    unit, staff = inventory
    rows = [
        HEADER,
        ["A", "https://instagram.com/ki_a", unit.name, "ny@ki.se", "Nils Nyman", staff[0].username, "Syfte."],
        ["B", "https://instagram.com/ki_b", unit.name, staff[1].username, "", "NY@KI.SE", "Syfte."],
    ]

    plan = plan_import(parse_table(upload("xlsx", rows)), actor=comms)
    created = import_apply(actor=comms, plan=plan)

    person = User.objects.get(email__iexact="ny@ki.se")
    assert (person.first_name, person.last_name, person.username) == ("Nils", "Nyman", "ny@ki.se")
    assert Assignment.objects.current().filter(person=person, account__in=created).count() == 2


def test_a_pending_person_cannot_be_both_owner_and_deputy(english, comms, inventory):
    """RES-2: the same new person as owner and deputy is refused on the deputy column."""
    unit, _staff = inventory
    rows = [HEADER, ["A", "https://instagram.com/ki_a", unit.name, "ny@ki.se", "", "Ny@ki.se", "Syfte."]]

    [row] = plan_import(parse_table(upload("xlsx", rows)), actor=comms).rows

    assert row.outcome == RowOutcome.INVALID
    assert [(n.column, n.message) for n in row.notes] == [("deputy", "The deputy cannot be the account owner (RES-2).")]


def test_an_e_mail_address_of_someone_inactive_is_refused_not_a_new_person(english, comms, inventory):
    """A person who is no longer active cannot be named, nor added again under their address."""
    unit, staff = inventory
    factories.UserFactory(username="slutat", email="slutat@ki.se", is_active=False)
    rows = [HEADER, ["A", "https://instagram.com/ki_a", unit.name, "Slutat@ki.se", "", staff[0].username, "S."]]

    [row] = plan_import(parse_table(upload("xlsx", rows)), actor=comms).rows

    assert (row.outcome, row.pending) == (RowOutcome.INVALID, {})
    assert [n.column for n in row.notes] == ["owner"]


def test_someone_added_between_dry_run_and_import_stops_the_whole_import(comms, inventory):
    """All or nothing: a pending person whose address was taken since the dry run writes nothing."""
    unit, staff = inventory
    rows = [HEADER, ["A", "https://instagram.com/ki_a", unit.name, "ny@ki.se", "", staff[0].username, "Syfte."]]
    plan = plan_import(parse_table(upload("xlsx", rows)), actor=comms)
    factories.UserFactory(username="hann-fore", email="ny@ki.se")
    before = (state(), User.objects.count())

    with pytest.raises(ApplicationError, match="ny@ki.se"):
        import_apply(actor=comms, plan=plan)

    assert (state(), User.objects.count()) == before


def test_the_example_file_in_the_docs_is_understood(comms):
    """docs/import-example.csv is a real import file: every row is understood."""
    path = Path(__file__).resolve().parents[2] / "docs" / "import-example.csv"
    with path.open("rb") as example:
        table = imports.parse_table(example)

    assert len(table) >= 3
    assert {"deputy", "owner_name"} <= {k for r in table for k, v in r.items() if v}
