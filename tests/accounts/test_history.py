"""The account's history (issue 11, defect 1): evidence events only for those who may see the
account's evidence; everyone else who sees the account sees its lifecycle."""

import ast
import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts import history
from accounts.snapshots import snapshot_upload
from audit.labels import ACTION_LABELS
from audit.services import audit_record
from records.blocks import block_record
from tests import factories

ROOT = Path(settings.BASE_DIR)
SKIP_DIRS = {".venv", "tests", "var", "node_modules", "static", "staticfiles", "bench"}


def _python_files():
    for path in ROOT.rglob("*.py"):
        if not SKIP_DIRS & set(path.relative_to(ROOT).parts) and "migrations" not in path.parts:
            yield path


def _recorded_actions() -> tuple[set[str], set[str]]:
    """Every action the code records: the literal names and, for names built at run time
    (f"decision.{step}"), a regular expression of the name."""
    names, patterns = set(), set()
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if func not in ("audit_record", "AuditEvent"):
                continue
            for keyword in node.keywords:
                if keyword.arg != "action":
                    continue
                value = keyword.value
                if isinstance(value, ast.Constant):
                    names.add(value.value)
                elif isinstance(value, ast.IfExp) and all(
                    isinstance(v, ast.Constant) for v in (value.body, value.orelse)
                ):  # "ping.create" if created else "ping.rotate"
                    names.update({value.body.value, value.orelse.value})
                elif isinstance(value, ast.JoinedStr):
                    patterns.add(
                        "".join(re.escape(p.value) if isinstance(p, ast.Constant) else "[a-z_]+" for p in value.values)
                    )
                elif isinstance(value, ast.Name) and path.parts[-2:] == ("audit", "services.py"):
                    continue  # audit_record itself hands its caller's action to AuditEvent
                elif isinstance(value, ast.Call) and getattr(value.func, "id", "") == "export_action":
                    patterns.add(r"export\.[a-z_]+")  # reports.jobs.export_action(kind)
                else:
                    pytest.fail(f"{path}:{node.lineno}: an audit action the test cannot read; classify it by hand")
    return names, patterns


def test_every_audit_action_the_code_records_is_classified():
    """Defect 1: every action recorded anywhere (audit_record calls, and the labels of
    audit.labels) is either a lifecycle event or named as evidence in accounts.history, so a new
    kind of event is a decision, not a leak. Names built at run time must match labelled ones."""
    names, patterns = _recorded_actions()
    assert len(names) > 20 and patterns  # the scan found the code's actions

    unclassified = sorted(a for a in names | set(ACTION_LABELS) if not history.is_classified(a))
    assert unclassified == []
    unlabelled = sorted(p for p in patterns if not any(re.fullmatch(p, a) for a in ACTION_LABELS))
    assert unlabelled == []


def test_the_lifecycle_list_is_an_allow_list():
    """An action no one has classified is evidence: hidden from those who may not see evidence."""
    assert not history.is_lifecycle("block.record")
    assert not history.is_lifecycle("something.new")
    assert not history.is_classified("something.new")
    assert history.LIFECYCLE_ACTIONS.isdisjoint(history.EVIDENCE_ACTIONS)


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (9, 8, 7)).save(buffer, format="PNG")
    return SimpleUploadedFile("shot.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def recorded(evidence_account, owner, comms):
    """The evidence account with one event of every labelled action (each with its own marker in
    the note) and two real evidence events: a block for defamation and a screenshot."""
    for action in ACTION_LABELS:
        audit_record(actor=comms, target=evidence_account, action=action, note=f"marker<{action}>")
    block_record(
        actor=owner,
        account_id=evidence_account.pk,
        visitor="@troll",
        action="block",
        reason="c_defamation",
        blocked_at=timezone.now() - datetime.timedelta(hours=1),
    )
    shot = snapshot_upload(
        actor=owner,
        account_id=evidence_account.pk,
        kind="start_page",
        taken_on=timezone.localdate(),
        uploaded_file=_png(),
    )
    return {"account": evidence_account, "sha256": shot.sha256}


def _history_of(client, user, account) -> str:
    """The account's audit trail as the user is shown it: the latest events on the account page,
    and every page of its history page."""
    client.force_login(user)
    response = client.get(reverse("accounts:detail", args=[account.pk]))
    assert response.status_code == 200
    shown = [response.content.decode().split('id="h-audit"', 1)[1]]
    url, page = reverse("accounts:history", args=[account.pk]), 1
    while True:
        response = client.get(url, {"page": page})
        assert response.status_code == 200
        shown.append(response.content.decode().split('id="h-audit"', 1)[1])
        if not response.context["page_obj"].has_next():
            return "".join(shown)
        page += 1


@pytest.fixture
def other_owner(db):
    """The owner of another account."""
    user = factories.UserFactory(username="other-owner")
    factories.staffed_account(owner=user)
    return user


@pytest.mark.parametrize("who", ["other_owner", "other_manager", "outsider"])
def test_someone_without_a_role_on_the_account_sees_its_lifecycle_and_no_evidence(client, recorded, who, request):
    """Defect 1: an owner of another account, a manager of another unit and a plain logged-in user
    see the active account's page (it is public to staff) with its lifecycle events, and none of
    its evidence events: no block reason, no screenshot SHA-256, no handover note, no records."""
    page = _history_of(client, request.getfixturevalue(who), recorded["account"])

    for action in ACTION_LABELS:
        marker = f"marker&lt;{action}&gt;"
        assert (marker in page) == history.is_lifecycle(action), action
    assert "c_defamation" not in page and recorded["sha256"] not in page
    assert "@troll" not in page


@pytest.mark.parametrize("who", ["owner", "deputy", "manager", "comms", "auditor", "registrar"])
def test_those_who_may_see_the_evidence_see_the_whole_history(client, recorded, who, request):
    """Defect 1: the owner, the deputy, the manager of the unit above, comms, auditors and
    registrars see every event, evidence included."""
    page = _history_of(client, request.getfixturevalue(who), recorded["account"])

    for action in ACTION_LABELS:
        assert f"marker&lt;{action}&gt;" in page, action
    assert "c_defamation" in page and recorded["sha256"] in page
