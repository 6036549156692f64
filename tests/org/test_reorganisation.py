"""Reorganisation (issue 13): move, rename, close a unit with a successor, merge; each one audited
service, comms only; closed units leave the tree and the pickers but keep a read-only page; and
decisions and findings keep the unit as it was, so the report for a past period shows it."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.choices import AccountStatus
from accounts.forms import SocialAccountForm
from accounts.models import SocialAccount
from approvals.models import Decision
from approvals.services import retroactive_decide
from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from monitoring.models import Finding
from monitoring.services import compliance_sweep
from org import services
from org.forms import UnitForm
from org.models import Unit
from reports.compliance import ComplianceReport
from reports.figures import Period
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    """KI > Department A (with a division below) and Department B; two accounts in A."""
    root = factories.UnitFactory(name="KI", code="KI")
    a = factories.UnitFactory(name="Institution A", parent=root, code="A")
    division = factories.UnitFactory(name="Avdelning A1", parent=a, code="A1")
    b = factories.UnitFactory(name="Institution B", parent=root, code="B")
    accounts = [
        factories.SocialAccountFactory(unit=a, status=AccountStatus.ACTIVE, name="A aktiv"),
        factories.SocialAccountFactory(unit=a, status=AccountStatus.AWAITING_MANAGER, name="A ansökan"),
    ]
    return root, a, division, b, accounts


def test_closing_a_unit_moves_its_accounts_requests_and_sub_units_to_the_successor(comms, tree):
    """Issue 13: one transaction; each account's move is an account.update audit event, each
    sub-unit's a unit.update, the closing a unit.close; nobody is e-mailed."""
    root, a, division, b, (active, request) = tree
    services.unit_close(actor=comms, unit_id=a.pk, successor_id=b.pk, closed_on=datetime.date(2026, 9, 1))

    a.refresh_from_db()
    division.refresh_from_db()
    assert a.closed_on == datetime.date(2026, 9, 1) and a.successor == b and a.is_closed
    assert set(SocialAccount.objects.filter(unit=b)) == {active, request}
    assert division.parent == b and division.path.startswith(b.path)
    moves = AuditEvent.objects.filter(action="account.update", object_id__in=[str(active.pk), str(request.pk)])
    assert moves.count() == 2
    assert {(e.before["unit"], e.after["unit"]) for e in moves} == {("Institution A", "Institution B")}
    assert AuditEvent.objects.filter(action="unit.update", object_id=str(division.pk)).count() == 1
    close = AuditEvent.objects.get(action="unit.close")
    assert close.after["successor_id"] == b.pk and close.after["accounts_moved"] == 2
    assert close.actor == comms
    assert mail.outbox == []


def test_a_closed_unit_leaves_the_tree_and_the_pickers_but_keeps_its_page(client, comms, tree):
    root, a, division, b, _accounts = tree
    services.unit_close(actor=comms, unit_id=a.pk, successor_id=b.pk, closed_on=datetime.date(2026, 9, 1))
    client.force_login(comms)
    listing = client.get(reverse("org:unit-list"))
    assert a not in listing.context["units"] and b in listing.context["units"]
    assert a not in UnitForm().fields["parent"].queryset
    assert a not in SocialAccountForm().fields["unit"].queryset
    page = client.get(a.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Succeeded by" in text or "Efterträdd av" in text
    assert b.get_absolute_url() in text
    # The successor's page leads to the closed unit.
    assert a.get_absolute_url() in client.get(b.get_absolute_url()).content.decode()
    # Read-only: no buttons, and their addresses answer 404.
    assert reverse("org:unit-close", args=[a.pk]) not in text
    for name in ("org:unit-update", "org:unit-move", "org:unit-rename", "org:unit-close"):
        assert client.get(reverse(name, args=[a.pk])).status_code == 404


def test_closing_is_refused_for_bad_successors(comms, tree, english):
    root, a, division, b, _accounts = tree
    day = datetime.date(2026, 9, 1)
    with pytest.raises(ApplicationError):
        services.unit_close(actor=comms, unit_id=a.pk, successor_id=a.pk, closed_on=day)
    with pytest.raises(ApplicationError):
        services.unit_close(actor=comms, unit_id=a.pk, successor_id=division.pk, closed_on=day)
    services.unit_close(actor=comms, unit_id=b.pk, successor_id=root.pk, closed_on=day)
    with pytest.raises(ApplicationError, match="successor is closed"):
        services.unit_close(actor=comms, unit_id=a.pk, successor_id=b.pk, closed_on=day)
    with pytest.raises(ApplicationError, match="closed"):
        services.unit_update(actor=comms, unit_id=b.pk, name="Ny")
    assert not Unit.objects.get(pk=a.pk).is_closed


def test_merging_closes_each_unit_into_the_target(comms, tree):
    root, a, division, b, accounts = tree
    c = factories.UnitFactory(name="Institution C", parent=root)
    other = factories.SocialAccountFactory(unit=c, status=AccountStatus.ACTIVE)
    services.unit_merge(actor=comms, unit_ids=[a.pk, c.pk], into_id=b.pk)
    assert Unit.objects.filter(pk__in=[a.pk, c.pk], successor=b, closed_on=timezone.localdate()).count() == 2
    assert SocialAccount.objects.filter(unit=b).count() == 3
    assert other in SocialAccount.objects.filter(unit=b)
    assert AuditEvent.objects.filter(action="unit.close").count() == 2
    merge = AuditEvent.objects.get(action="unit.merge")
    assert sorted(merge.after["merged_ids"]) == sorted([a.pk, c.pk])
    with pytest.raises(ApplicationError):
        services.unit_merge(actor=comms, unit_ids=[b.pk], into_id=b.pk)


def test_only_comms_may_reorganise(owner, auditor, manager, tree):
    """Auditors never write; a manager or staff may not change the organisation."""
    root, a, division, b, _accounts = tree
    a.manager = manager
    a.save()
    for user in (owner, auditor, manager):
        with pytest.raises(NotAllowed):
            services.unit_close(actor=user, unit_id=a.pk, successor_id=b.pk, closed_on=datetime.date(2026, 9, 1))
        with pytest.raises(NotAllowed):
            services.unit_merge(actor=user, unit_ids=[a.pk], into_id=b.pk)
        with pytest.raises(NotAllowed):
            services.unit_update(actor=user, unit_id=a.pk, name="Ny")
    assert not Unit.objects.filter(closed_on__isnull=False).exists()
    assert not AuditEvent.objects.filter(action__startswith="unit.").exists()


@pytest.mark.parametrize("name", ["org:unit-move", "org:unit-rename", "org:unit-close"])
def test_reorganisation_pages_permission_matrix(client, owner, auditor, comms, tree, name):
    root, a, division, b, _accounts = tree
    url = reverse(name, args=[a.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for user in (owner, auditor):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert (
            client.post(url, {"name": "X", "parent": b.pk, "successor": b.pk, "closed_on": "2026-09-01"}).status_code
            == 403
        )
    client.force_login(comms)
    assert client.get(url).status_code == 200
    assert client.get(reverse(name, args=[99999])).status_code == 404
    a.refresh_from_db()
    assert a.name == "Institution A" and a.parent == root and not a.is_closed


def test_the_unit_page_offers_reorganisation_to_comms_only(client, owner, comms, tree):
    root, a, division, b, _accounts = tree
    client.force_login(owner)
    assert reverse("org:unit-close", args=[a.pk]) not in client.get(a.get_absolute_url()).content.decode()
    client.force_login(comms)
    page = client.get(a.get_absolute_url()).content.decode()
    for name in ("org:unit-move", "org:unit-rename", "org:unit-close"):
        assert reverse(name, args=[a.pk]) in page


def test_comms_moves_renames_and_closes_through_the_pages(client, comms, tree):
    root, a, division, b, (active, request) = tree
    client.force_login(comms)
    response = client.post(reverse("org:unit-move", args=[a.pk]), {"parent": b.pk})
    assert response.status_code == 302
    a.refresh_from_db()
    division.refresh_from_db()
    assert a.parent == b and division.path.startswith(a.path) and a.path.startswith(b.path)
    client.post(reverse("org:unit-rename", args=[a.pk]), {"name": "Institution Alfa", "name_en": "Dept Alpha"})
    a.refresh_from_db()
    assert (a.name, a.name_en) == ("Institution Alfa", "Dept Alpha")
    assert AuditEvent.objects.filter(action="unit.update", object_id=str(a.pk)).count() == 2
    # The successor picker refuses the unit's own sub-unit.
    response = client.post(
        reverse("org:unit-close", args=[a.pk]), {"successor": division.pk, "closed_on": "2026-09-01"}
    )
    assert response.status_code == 200 and not Unit.objects.get(pk=a.pk).is_closed
    response = client.post(reverse("org:unit-close", args=[a.pk]), {"successor": root.pk, "closed_on": "2026-09-01"})
    assert response.status_code == 302
    assert Unit.objects.get(pk=a.pk).successor == root
    assert SocialAccount.objects.get(pk=active.pk).unit == root


def test_decisions_and_findings_record_the_unit_at_the_time(comms, manager, tree):
    root, a, division, b, (active, request) = tree
    account = factories.SocialAccountFactory(unit=a, status=AccountStatus.ACTIVE, origin="import")
    a.manager = manager
    a.save()
    decision = retroactive_decide(actor=manager, account_id=account.pk, outcome="approve")
    compliance_sweep(now=timezone.now())
    assert Decision.objects.get(pk=decision.pk).unit == a
    findings = Finding.objects.filter(account=account)
    assert findings.exists() and {f.unit_id for f in findings} == {a.pk}
    services.unit_close(actor=comms, unit_id=a.pk, successor_id=b.pk, closed_on=timezone.localdate())
    assert Decision.objects.get(pk=decision.pk).unit == a
    assert {f.unit_id for f in Finding.objects.filter(account=account)} == {a.pk}


def test_the_report_for_a_past_half_year_still_shows_the_closed_unit(comms, auditor, tree, english):
    """Issue 13: after closing a unit, the half-year compliance report for a past period groups
    its (moved) accounts under the unit they belonged to then, as their findings recorded it;
    the report for the current period shows them under the successor."""
    root, a, division, b, (active, request) = tree
    period = Period.half_year(2026, 1)
    made = timezone.make_aware(datetime.datetime(2026, 9, 15, 12, 0))
    active.activated_at = timezone.make_aware(datetime.datetime(2025, 6, 1, 12, 0))
    active.save()
    in_b = factories.SocialAccountFactory(unit=b, status=AccountStatus.ACTIVE, name="B aktiv")
    in_b.activated_at = active.activated_at
    in_b.save()
    opened = timezone.make_aware(datetime.datetime(2026, 3, 1, 12, 0))
    Finding.objects.create(account=active, unit=a, rule="no-owner", opened_at=opened, last_seen_at=opened)
    services.unit_close(actor=comms, unit_id=a.pk, successor_id=b.pk, closed_on=datetime.date(2026, 9, 1))
    assert SocialAccount.objects.get(pk=active.pk).unit == b

    past = ComplianceReport(user=auditor, unit=None, period=period, now=made)
    rows = {row["account"].split(" (")[0]: row for row in past.materialise()}
    assert rows["A aktiv"]["unit"] == "Institution A"
    assert rows["B aktiv"]["unit"] == "Institution B"
    assert sorted(r["unit"] for r in past.unit_rows()) == ["Institution A", "Institution B"]

    current = ComplianceReport(user=auditor, unit=None, period=Period.half_year(2026, 2), now=made)
    assert {r["unit"] for r in current.unit_rows()} == {"Institution B"}


def test_person_create_names_a_pending_person(comms, owner):
    """Issue 13, pending people: audited, unusable password, unique username, duplicate e-mail refused."""
    factories.UserFactory(username="anna@ki.se", email="anna.annan@ki.se")
    person = services.person_create(actor=comms, first_name="Anna", last_name="Ny", email="Anna@ki.se")
    assert person.username == "anna@ki.se-2" and person.is_pending and not person.has_usable_password()
    assert AuditEvent.objects.filter(action="user.create", object_id=str(person.pk), actor=comms).exists()
    with pytest.raises(ApplicationError):
        services.person_create(actor=comms, first_name="A", last_name="B", email="anna@KI.se")
    with pytest.raises(NotAllowed):
        services.person_create(actor=owner, first_name="A", last_name="B", email="x@ki.se")
