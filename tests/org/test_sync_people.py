"""manage.py sync_people FILE.csv (issue 13): an HR export marks leavers (through person_leave, as
system:sync_people) and updates names and home units; a dry run unless --apply; idempotent; row
errors name the row and the reason."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import AuditEvent
from monitoring.models import Finding
from org.models import User
from tests import factories

HEADER = "email,employee_id,first_name,last_name,unit_code,end_date\n"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def people(db):
    unit = factories.UnitFactory(code="KI-100")
    factories.UnitFactory(code="KI-200")
    return {
        "leaver": factories.UserFactory(username="leaver", email="leaver@ki.se", unit=unit),
        "later": factories.UserFactory(username="later", email="later@ki.se"),
        "renamed": factories.UserFactory(username="renamed", email="renamed@ki.se", first_name="Ann", unit=unit),
    }


def _csv(tmp_path, text, name="hr.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _good(tmp_path, today):
    past = (today - datetime.timedelta(days=3)).isoformat()
    future = (today + datetime.timedelta(days=30)).isoformat()
    return _csv(
        tmp_path,
        HEADER
        + f"LEAVER@ki.se,1001,Lena,Lämnar,KI-100,{past}\n"
        + f"later@ki.se,1002,,,,{future}\n"
        + "renamed@ki.se,1003,Anna,Ny,KI-200,\n"
        + "stranger@ki.se,1004,Sven,Okänd,KI-100,\n",
    )


def _run(path, *args, capsys=None):
    call_command("sync_people", path, *args)
    return capsys.readouterr() if capsys else None


def test_the_dry_run_reports_and_writes_nothing(tmp_path, people, today, capsys):
    out = _run(_good(tmp_path, today), capsys=capsys).out
    assert "Dry run" in out
    assert "4 rows; 1 to mark as left, 2 with names or unit to update" in out
    assert "1 leaving later" in out and "1 not in the portal" in out and "0 refused" in out
    assert not User.objects.filter(left_on__isnull=False).exists()
    assert not AuditEvent.objects.filter(action__in=["user.leave", "user.update"]).exists()


def test_apply_marks_leavers_and_updates_people(tmp_path, people, today, capsys, django_capture_on_commit_callbacks):
    """The leaver is marked through person_leave (audited, deactivated, findings at once: RES-2)."""
    account = factories.staffed_account(owner=people["leaver"])
    with django_capture_on_commit_callbacks(execute=True):
        out = _run(_good(tmp_path, today), "--apply", capsys=capsys).out
    assert "Marked as left: 1. Updated: 2." in out
    leaver = User.objects.get(username="leaver")
    assert leaver.left_on == today - datetime.timedelta(days=3) and not leaver.is_active
    event = AuditEvent.objects.get(action="user.leave")
    assert event.actor is None and event.actor_repr == "system:sync_people"
    assert Finding.objects.filter(account=account, rule="no-owner", resolved_at__isnull=True).exists()
    renamed = User.objects.get(username="renamed")
    assert (renamed.first_name, renamed.last_name, renamed.unit.code) == ("Anna", "Ny", "KI-200")
    assert User.objects.get(username="later").is_active
    assert not User.objects.filter(email="stranger@ki.se").exists()


def test_apply_twice_changes_nothing_the_second_time(tmp_path, people, today, capsys):
    path = _good(tmp_path, today)
    _run(path, "--apply")
    events = AuditEvent.objects.count()
    out = _run(path, "--apply", capsys=capsys).out
    assert "Marked as left: 0. Updated: 0." in out
    assert "1 already left" in out
    assert AuditEvent.objects.count() == events


def test_row_errors_name_the_row_and_the_reason_and_fail_the_command(tmp_path, people, today, capsys):
    """A bad row is refused with its line number; the rows that were understood are still written
    (a leaver further down must not keep their access), and the command fails."""
    past = (today - datetime.timedelta(days=1)).isoformat()
    path = _csv(
        tmp_path,
        HEADER
        + "not-an-address,1,,,,\n"
        + "later@ki.se,2,,,KI-999,\n"
        + "renamed@ki.se,3,,,,31/12/2026\n"
        + f"leaver@ki.se,4,,,,{past}\n"
        + "leaver@ki.se,5,,,,\n",
    )
    with pytest.raises(CommandError, match="4 row"):
        call_command("sync_people", path, "--apply")
    err = capsys.readouterr().err
    assert "Row 2: Column email" in err
    assert "Row 3: Column unit_code" in err and "KI-999" in err
    assert "Row 4: Column end_date" in err
    assert "Row 6: Column email: leaver@ki.se is also on row 5" in err
    assert User.objects.get(username="leaver").left_on == today - datetime.timedelta(days=1)


def test_semicolons_and_a_bom_are_read(tmp_path, people, today, capsys):
    """Swedish spreadsheet programs save CSV with semicolons and a byte-order mark."""
    past = (today - datetime.timedelta(days=1)).isoformat()
    path = tmp_path / "hr.csv"
    path.write_text(HEADER.replace(",", ";") + f"leaver@ki.se;1;;;;{past}\n", encoding="utf-8-sig")
    out = _run(str(path), capsys=capsys).out
    assert "1 to mark as left" in out


def test_a_file_without_the_email_column_is_refused(tmp_path, db):
    with pytest.raises(CommandError, match="email"):
        call_command("sync_people", _csv(tmp_path, "name,end_date\nx,2020-01-01\n"))
