"""The unit tree import (issue 13): CSV and XLSX, the dry run, idempotent re-import by
organisation code, refused rows with row, column and reason, pending managers, 500 units."""

import io
import time

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from org.choices import UnitKind
from org.models import Unit, User
from org.unit_import import Action, parse_units, plan_unit_import, unit_import_apply
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = ["code", "name", "name_en", "parent_code", "kind", "manager_email", "registry_email"]


def csv_file(rows, header=HEADER, name="units.csv") -> SimpleUploadedFile:
    lines = [";".join(header)] + [";".join(r) for r in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), content_type="text/csv")


def xlsx_file(rows, header=HEADER) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("units.xlsx", out.getvalue())


def tree_rows(count: int) -> list[list[str]]:
    """A realistic tree of `count` units: one university administration, departments below it,
    divisions below them and research groups below those, written children first (any order
    must do)."""
    rows = [["KI", "Karolinska Institutet", "Karolinska Institutet", "", "administration", "", "registrator@ki.se"]]
    departments, divisions = [], []
    for n in range(1, count):
        if n <= 25:
            code, parent, kind = f"D{n:03d}", "KI", "institution"
            departments.append(code)
        elif n <= 150:
            code, parent, kind = f"V{n:03d}", departments[n % len(departments)], "avdelning"
            divisions.append(code)
        else:
            code, parent, kind = f"G{n:03d}", divisions[n % len(divisions)], "forskargrupp"
        rows.append([code, f"Enhet {n}", f"Unit {n}", parent, kind, "", f"diarie{n}@ki.se"])
    return list(reversed(rows))


def run(actor, upload):
    plan = plan_unit_import(parse_units(upload), actor=actor)
    return plan, (unit_import_apply(actor=actor, plan=plan) if plan.to_write else None)


def test_a_tree_of_500_units_imports_in_a_few_seconds_and_again_changes_nothing(comms, english):
    """Issue 13: 500 units, rows in any order, each created through unit_create with its audit
    event; the same file again is "nothing to change" with no audit event."""
    rows = tree_rows(500)
    started = time.monotonic()
    plan, done = run(comms, csv_file(rows))
    elapsed = time.monotonic() - started
    print(f"500 units imported in {elapsed:.2f} s")  # noqa: T201 (the measurement the report cites)
    assert plan.counts == {"create": 500, "update": 0, "unchanged": 0, "invalid": 0}
    assert done["created"] == 500
    assert elapsed < 30
    assert Unit.objects.filter(code__isnull=False).count() == 500
    group = Unit.objects.get(code="G499")
    division = Unit.objects.get(code="V" + f"{(499 % 125) + 26:03d}")
    assert group.parent == division
    assert group.path.startswith(division.path) and group.depth == 4
    assert group.kind == UnitKind.RESEARCH_GROUP and group.name_en == "Unit 499"
    assert AuditEvent.objects.filter(action="unit.create").count() == 500

    events = AuditEvent.objects.count()
    again = plan_unit_import(parse_units(csv_file(rows)), actor=comms)
    assert again.counts == {"create": 0, "update": 0, "unchanged": 500, "invalid": 0}
    assert not again.to_write
    with pytest.raises(ApplicationError, match="Nothing to change"):
        unit_import_apply(actor=comms, plan=again)
    assert AuditEvent.objects.count() == events


def test_xlsx_imports_the_same_as_csv(comms):
    rows = tree_rows(30)
    plan, done = run(comms, xlsx_file(rows))
    assert done["created"] == 30
    again = plan_unit_import(parse_units(csv_file(rows)), actor=comms)
    assert again.counts["unchanged"] == 30


def test_swedish_headers_are_understood(comms):
    header = ["Kod", "Namn", "Namn_en", "Överordnad_kod", "Typ", "Chef_e-post", "Diarie_e-post"]
    plan, done = run(comms, csv_file([["A1", "Enhet A", "", "", "kontor", "", ""]], header=header))
    assert done["created"] == 1
    assert Unit.objects.get(code="A1").kind == UnitKind.OFFICE


def test_reimport_changes_only_what_differs_and_audits_it(comms):
    """A changed name and a new parent are one unit.update each, with before and after."""
    run(comms, csv_file([["A", "Alfa", "", "", "department", "", ""], ["B", "Beta", "", "", "department", "", ""]]))
    before = AuditEvent.objects.count()
    plan, done = run(
        comms, csv_file([["A", "Alfa ny", "", "", "department", "", ""], ["B", "Beta", "", "A", "department", "", ""]])
    )
    assert {r.code: (r.action, sorted(r.changes)) for r in plan.rows} == {
        "A": (Action.UPDATE, ["name"]),
        "B": (Action.UPDATE, ["parent"]),
    }
    assert done == {"created": 0, "changed": 2, "people": 0}
    a, b = Unit.objects.get(code="A"), Unit.objects.get(code="B")
    assert a.name == "Alfa ny" and b.parent == a and b.path.startswith(a.path)
    events = AuditEvent.objects.filter(pk__gt=0).order_by("id")[before:]
    assert [e.action for e in events] == ["unit.update", "unit.update"]
    assert events[0].before == {"name": "Alfa"} and events[0].after == {"name": "Alfa ny"}


def test_units_missing_from_the_file_are_reported_not_deleted(comms):
    run(comms, csv_file([["A", "Alfa", "", "", "department", "", ""], ["B", "Beta", "", "", "department", "", ""]]))
    plan = plan_unit_import(parse_units(csv_file([["A", "Alfa", "", "", "department", "", ""]])), actor=comms)
    assert [u.code for u in plan.missing] == ["B"]
    assert Unit.objects.filter(code="B").exists()


def test_bad_rows_are_refused_with_row_column_and_reason(comms, english):
    factories.UnitFactory(code="OLD", closed_on="2025-01-01")
    rows = [
        ["", "Utan kod", "", "", "department", "", ""],  # row 2
        ["X1", "", "", "", "department", "", ""],  # row 3
        ["X2", "Okänd typ", "", "", "planet", "", ""],  # row 4
        ["X3", "Okänd förälder", "", "NOPE", "department", "", ""],  # row 5
        ["C1", "Cykel 1", "", "C2", "department", "", ""],  # row 6
        ["C2", "Cykel 2", "", "C1", "department", "", ""],  # row 7
        ["X4", "Dålig e-post", "", "", "department", "not-an-address", ""],  # row 8
        ["X5", "Under stängd", "", "OLD", "department", "", ""],  # row 9
        ["X6", "Barn till cykel", "", "C1", "department", "", ""],  # row 10
        ["X1", "Samma kod", "", "", "department", "", ""],  # row 11
        ["X7", "Ny utan typ", "", "", "", "", ""],  # row 12
    ]
    plan = plan_unit_import(parse_units(csv_file(rows)), actor=comms)
    refused = {r.row: [(p.column, p.reason) for p in r.problems] for r in plan.rows if r.action == Action.INVALID}
    assert refused[2] == [("code", "The organisation code is missing.")]
    assert refused[3][0] == ("name", "The name is missing.")
    assert refused[4][0][0] == "kind" and "planet" in refused[4][0][1]
    assert refused[5] == [("parent_code", "No unit has the code “NOPE”, in the file or the portal.")]
    assert refused[6] == [("parent_code", "The parent codes make a cycle (rows 6, 7).")]
    assert refused[7] == [("parent_code", "The parent codes make a cycle (rows 6, 7).")]
    assert refused[8] == [("manager_email", "“not-an-address” is not an e-mail address.")]
    assert refused[9] == [("parent_code", "The unit with the code “OLD” is closed.")]
    assert refused[10] == [("parent_code", "The parent unit in row 6 is refused.")]
    assert refused[11][-1] == ("code", "The same code as row 3.")
    assert refused[12] == [("kind", "The kind is missing; a new unit needs one.")]
    assert plan.counts["create"] == 0
    assert not Unit.objects.filter(code__startswith="X").exists()


def test_a_file_without_the_required_columns_is_refused_whole(comms, english):
    with pytest.raises(ApplicationError, match="code/kod"):
        parse_units(csv_file([["Alfa"]], header=["name"]))


def test_a_manager_not_yet_a_user_becomes_a_pending_person(comms):
    """Issue 13, pending people: person_create with an unusable password, audited user.create;
    the same address on two rows is one person; the re-import then finds them."""
    known = factories.UserFactory(username="prefekt", email="Prefekt@KI.se")
    rows = [
        ["A", "Alfa", "", "", "department", "anna.svensson@ki.se", ""],
        ["B", "Beta", "", "", "department", "anna.svensson@ki.se", ""],
        ["C", "Gamma", "", "", "department", "prefekt@ki.se", ""],
    ]
    plan, done = run(comms, csv_file(rows))
    assert plan.rows[0].warnings and not plan.rows[2].warnings
    assert done["people"] == 1
    anna = User.objects.get(email="anna.svensson@ki.se")
    assert (anna.username, anna.first_name, anna.last_name) == ("anna.svensson@ki.se", "Anna", "Svensson")
    assert anna.is_pending and not anna.has_usable_password()
    assert Unit.objects.get(code="A").manager == anna == Unit.objects.get(code="B").manager
    assert Unit.objects.get(code="C").manager == known
    assert AuditEvent.objects.filter(action="user.create", object_id=str(anna.pk)).count() == 1
    again = plan_unit_import(parse_units(csv_file(rows)), actor=comms)
    assert again.counts["unchanged"] == 3


def test_only_comms_may_import(comms, owner, auditor):
    """Auditors never write; staff without a role may not change the organisation."""
    rows = parse_units(csv_file([["A", "Alfa", "", "", "department", "", ""]]))
    for user in (owner, auditor):
        with pytest.raises(NotAllowed):
            plan_unit_import(rows, actor=user)
    plan = plan_unit_import(rows, actor=comms)
    with pytest.raises(NotAllowed):
        unit_import_apply(actor=auditor, plan=plan)
    assert not Unit.objects.exists()


def test_the_command_dry_runs_then_applies(comms, tmp_path, capsys):
    path = tmp_path / "units.csv"
    path.write_bytes(csv_file(tree_rows(12)).read())
    call_command("import_units", str(path))
    assert "Dry run" in capsys.readouterr().out
    assert not Unit.objects.exists()
    with pytest.raises(CommandError, match="--user"):
        call_command("import_units", str(path), "--apply")
    call_command("import_units", str(path), "--apply", "--user", comms.username)
    assert "12 created" in capsys.readouterr().out
    call_command("import_units", str(path), "--apply", "--user", comms.username)
    assert "Nothing to change." in capsys.readouterr().out
    assert Unit.objects.count() == 12


IMPORT = "/units/import/"
CONFIRM = "/units/import/confirm/"


def test_the_import_page_permission_matrix(client, owner, auditor, comms):
    assert client.get(IMPORT).status_code == 302  # anonymous: to the login page
    for user in (owner, auditor):
        client.force_login(user)
        assert client.get(IMPORT).status_code == 403
        assert client.post(IMPORT, {"file": csv_file(tree_rows(3))}).status_code == 403
        assert client.post(CONFIRM, {"token": "x"}).status_code == 403
    client.force_login(comms)
    page = client.get(IMPORT)
    assert page.status_code == 200
    assert not Unit.objects.exists()


def test_comms_imports_through_the_page_after_a_dry_run(client, comms):
    client.force_login(comms)
    dry = client.post(IMPORT, {"file": csv_file(tree_rows(5) + [["BAD", "Fel", "", "NOPE", "department", "", ""]])})
    assert dry.status_code == 200
    assert dry.context["counts"] == {"create": 5, "update": 0, "unchanged": 0, "invalid": 1}
    assert "NOPE" in dry.content.decode()
    assert not Unit.objects.exists()
    token = dry.context["token"]
    done = client.post(CONFIRM, {"token": token})
    assert done.status_code == 302 and done.url == "/units/"
    assert Unit.objects.count() == 5
    # The token is spent: a second confirmation finds nothing.
    assert client.post(CONFIRM, {"token": token}).status_code == 404
    again = client.post(IMPORT, {"file": csv_file(tree_rows(5))})
    assert again.context["token"] is None and again.context["counts"]["unchanged"] == 5


def test_the_confirmation_refuses_when_the_units_changed_since_the_dry_run(client, comms):
    client.force_login(comms)
    dry = client.post(IMPORT, {"file": csv_file([["A", "Alfa", "", "", "department", "", ""]])})
    factories.UnitFactory(code="A", name="Alfa")  # someone else created it meanwhile
    response = client.post(CONFIRM, {"token": dry.context["token"]})
    assert response.status_code == 200 and response.context["error"]
    assert Unit.objects.count() == 1
