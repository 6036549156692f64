"""What the demo data holds. Seeding takes a while, so the module seeds once, inside a transaction
that is rolled back when the module ends; each test runs in a savepoint within it."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from accounts.choices import AccountStatus, Classification
from accounts.models import SocialAccount
from demo.builders.accounts import ACCOUNTS
from org import roles
from org.models import User

pytestmark = pytest.mark.django_db

S = AccountStatus
DEMO_USERS = ("owner", "deputy", "manager", "comms", "auditor", "registrar")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    # pytest-django runs with DEBUG off, where the command refuses unless forced.
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", force=True, verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("username", DEMO_USERS)
def test_demo_users_log_in_with_the_demo_password(seeded, username):
    """Each demo user can log in with the documented password kipolicy-demo."""
    # django-axes checks every authentication against its request (its lockout is per username and IP).
    request = RequestFactory().post("/login/")
    assert authenticate(request, username=username, password="kipolicy-demo") is not None


def test_demo_users_have_their_roles(seeded):
    """comms is in the communications department's group, auditor in the auditors', registrar in the
    registrars', manager manages a unit."""
    assert roles.is_comms(User.objects.get(username="comms"))
    assert roles.is_auditor(User.objects.get(username="auditor"))
    assert roles.is_registrar(User.objects.get(username="registrar"))
    assert roles.is_manager(User.objects.get(username="manager"))
    assert not roles.is_comms(User.objects.get(username="owner"))


def test_seed_creates_about_forty_accounts(seeded):
    """Every account in the demo list is created: about forty."""
    assert SocialAccount.objects.count() == len(ACCOUNTS)
    assert 35 <= len(ACCOUNTS) <= 45


def test_seed_covers_every_lifecycle_status(seeded):
    """The demo holds accounts in each status it lists: draft through decommissioned."""
    made = set(SocialAccount.objects.values_list("status", flat=True))

    assert made >= {
        S.DRAFT,
        S.AWAITING_MANAGER,
        S.AWAITING_COMMS,
        S.RETURNED,
        S.REJECTED,
        S.APPROVED,
        S.ACTIVE,
        S.DECOMMISSIONING,
        S.DECOMMISSIONED,
    }


def test_seeded_statuses_match_the_demo_list(seeded):
    """Each demo account ends in the status the demo list gives it."""
    wanted = sorted(entry[3] for entry in ACCOUNTS)

    assert sorted(SocialAccount.objects.values_list("status", flat=True)) == wanted


def test_seed_includes_student_ambassador_accounts(seeded):
    """PRIV-3: the demo shows at least one student ambassador account."""
    assert SocialAccount.objects.filter(classification=Classification.STUDENT_AMBASSADOR).exists()


def test_no_seeded_account_has_the_same_owner_and_deputy(seeded):
    """RES-2: the demo may lack an owner or deputy on purpose, but never has one person in both roles."""
    for account in SocialAccount.objects.all():
        people = [a.person_id for a in account.assignments.current()]
        assert len(people) == len(set(people)), account


def test_most_seeded_accounts_have_an_owner_and_a_deputy(seeded):
    """RES-2: apart from the few accounts that show a missing owner or deputy, each has both."""
    staffed = [a for a in SocialAccount.objects.all() if a.assignments.current().count() == 2]

    assert len(staffed) >= len(ACCOUNTS) - 5


def test_the_auditors_half_year_report_of_a_department_has_data(seeded):
    """The demo auditor's report for Institutionen för medicin, Solna (the browser test's journey):
    accounts with days monitored and missed, and no days without a deputy where one has been
    appointed since the account went live (RES-2)."""
    from org.calendar import local_day
    from org.models import Unit, User
    from reports.compliance import ComplianceReport, Period

    today = local_day(timezone.now())
    report = ComplianceReport(
        user=User.objects.get(username="auditor"),
        unit=Unit.objects.get(name="Institutionen för medicin, Solna"),
        period=Period.half_year(today.year, 1 if today.month <= 6 else 2),
    )
    rows = report.materialise()
    assert len(rows) >= 3
    assert sum(r["days_monitored"] for r in rows) > 0 and sum(r["days_missed"] for r in rows) > 0
    staffed = [r for r in rows if r["deputies"] and r["status"]]
    assert staffed and all(r["days_without_deputy"] == 0 for r in staffed if ";" not in r["deputies"]), [
        (r["account"], r["deputies"], r["days_without_deputy"]) for r in staffed
    ]


def test_the_demo_has_a_question_with_screenshots_and_a_withdrawn_consent(seeded):
    """REC-3, REC-4, MEDIA-1 (issue 15): a complaint registered with screenshots of the post and of
    KI's reply, and a media consent withdrawn, whose owner and deputy were told."""
    from notifications.models import Notification
    from records.models import Inquiry, MediaConsent

    complaint = Inquiry.objects.filter(evidence__isnull=False, hand_off="registry").distinct().get()
    assert set(complaint.evidence.values_list("kind", flat=True)) == {"inquiry", "ki_reply"}
    withdrawn = MediaConsent.objects.get(withdrawn_on__isnull=False)
    assert withdrawn.withdrawn_via == "email"
    assert Notification.objects.filter(kind="consent-withdrawn").count() == 2


def test_the_demo_has_a_stand_in_period_and_a_comments_off_period(seeded):
    """MON-2, DECOM-2: one of the demo owner's accounts has a stand-in while owner and deputy are
    both away, another comments switched off; both are free of coverage-gap, others keep it."""
    from monitoring.choices import CoverMeasure
    from monitoring.models import Cover, Finding

    stand_in = Cover.objects.get(measure=CoverMeasure.STAND_IN)
    comments_off = Cover.objects.get(measure=CoverMeasure.COMMENTS_OFF)
    gaps = set(Finding.objects.filter(rule="coverage-gap", resolved_at__isnull=True).values_list("account", flat=True))
    assert stand_in.stand_in.username == "editor1"
    assert {stand_in.account_id, comments_off.account_id}.isdisjoint(gaps)
    assert gaps


def test_the_demo_follow_ups_answer_the_accessibility_questions(seeded):
    """ACC-1, ACC-2: the demo follow-ups carry answers for the report to count."""
    from monitoring.models import FollowUp

    assert FollowUp.objects.exclude(acc_alt_text="").exists()
    assert not FollowUp.objects.filter(acc_on_ki_se="").exists()


def test_the_demo_has_publishers_an_overdue_review_and_a_leaver_not_removed(seeded):
    """Issue 15 (START-1, PRIV-2): confirmed publishers (a KI person and an agency), one account
    whose access review is overdue and one leaver whose access is not removed, both found by the
    sweep; the collaboration partners of PURP-4 are listed."""
    from accounts.models import CollaborationPartner, Publisher
    from monitoring.models import Finding

    confirmed = Publisher.objects.filter(status="confirmed", acts_for_ki=True)
    assert confirmed.filter(person__isnull=False).exists() and confirmed.filter(person__isnull=True).exists()
    open_rules = set(Finding.objects.filter(resolved_at__isnull=True).values_list("rule", flat=True))
    assert {"access-review-overdue", "access-not-removed"} <= open_rules
    assert CollaborationPartner.objects.filter(is_active=True).count() >= 3


# Across accounts over the demo users (issue 14): the registers and queues, and the search.

ALL_DEMO_USERS = (*DEMO_USERS, "editor1")  # editor1: sees accounts, not the demo owner's evidence


def _count_api(client, slug: str) -> int:
    url, count = f"/api/v1/{slug}/?page_size=500", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        count += len(response.json()["results"])
        url = response.json()["next"]
    return count


def _count_export(client, slug: str, query: str = "") -> int:
    """The records in the register's CSV and in its XLSX (the same figure, or the assertion fails)."""
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    response = client.get(reverse("reports:register-csv", args=[slug]) + query)
    assert response.status_code == 200
    in_csv = b"".join(response.streaming_content).decode("utf-8-sig").count("\r\n") - 1
    response = client.get(reverse("reports:register-xlsx", args=[slug]) + query)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    in_xlsx = sum(1 for _row in load_workbook(io.BytesIO(body)).worksheets[1].iter_rows(min_row=2))
    assert in_csv == in_xlsx, (slug, query, in_csv, in_xlsx)
    return in_csv


@pytest.mark.parametrize("username", ALL_DEMO_USERS)
def test_each_register_and_queue_agrees_in_page_api_export_and_navigation(seeded, client, username):
    """Issue 14: for each demo user, each register's page count, API list and CSV and XLSX rows are
    the same figure (0 and a 404 page for a register the user may not open), and each of their queues has
    the same figure in the navigation, on its page and in its export."""
    from django.urls import reverse

    from accounts.registers import REGISTERS, queue_counts

    client.force_login(User.objects.get(username=username))
    for slug in REGISTERS:
        page = client.get(reverse("registers:register", args=[slug]))
        if page.status_code == 404:
            assert _count_api(client, slug) == 0, slug
            continue
        assert page.status_code == 200
        assert page.context["paginator"].count == _count_api(client, slug) == _count_export(client, slug), slug
    for queue, shown in queue_counts(User.objects.get(username=username)):
        url = queue.url()
        on_page = client.get(url).context["paginator"].count
        assert shown == on_page == _count_export(client, queue.register, url[url.index("?") :]), queue.slug
    if username in ("comms", "registrar"):
        assert queue_counts(User.objects.get(username=username)), "the demo gives them queues"


def _result_url(kind: str, item) -> str:
    """Where the results page links the item (the kinds' row templates)."""
    from django.urls import reverse

    by_account = {"questions": "records:inquiries", "removed-posts": "records:incidents", "blocks": "records:blocks"}
    if kind in by_account:
        return reverse(by_account[kind], args=[item.account_id])
    if kind == "people":
        return reverse("people:detail", args=[item.pk])
    if kind == "records-requests":
        return reverse("records:request-detail", args=[item.pk])
    return item.get_absolute_url()  # accounts, units


def _demo_queries() -> list[str]:
    from records.models import Block, Incident, Inquiry, RecordsRequest

    words = {a.handle for a in SocialAccount.objects.exclude(handle="")}
    words |= {u.get_full_name() for u in User.objects.all()}
    words |= {" ".join(i.summary.split()[:3]) for i in Inquiry.objects.all()}
    words |= {" ".join(i.description.split()[:2]) for i in Incident.objects.all()}
    words |= set(Block.objects.values_list("visitor", flat=True))
    words |= set(RecordsRequest.objects.values_list("requester", flat=True))
    return sorted(w for w in words | {"ki", "karolinska"} if len(w.strip()) >= 2)


@pytest.mark.parametrize("username", ALL_DEMO_USERS)
def test_the_search_finds_only_what_each_demo_user_may_see(seeded, client, username):
    """Issue 14 (REC-1, CONT-2): over the demo data, every result of every kind, for words of every
    account's handle, every person's name and every record, links to a page the user may open
    (200, never 403 or 404); and the user finds every account they see by its handle and every
    question on an account whose evidence they see by the words of its summary."""
    from core import search
    from records.models import Inquiry

    user = User.objects.get(username=username)
    client.force_login(user)
    opened: dict[str, int] = {}
    found: dict[tuple[str, str], set[int]] = {}
    for query in _demo_queries():
        for kind in search.ordered_kinds():
            rows = kind.find(user, search.search_words(query))
            if rows is None:
                continue
            found[kind.key, query] = {item.pk for item in rows}
            for item in rows:
                url = _result_url(kind.key, item)
                if url not in opened:
                    opened[url] = client.get(url).status_code
                assert opened[url] == 200, (kind.key, query, url, opened[url])
    for account in SocialAccount.objects.visible_to(user).exclude(handle=""):
        assert account.pk in found["accounts", account.handle], account.handle
    for question in Inquiry.objects.filter(account__in=SocialAccount.objects.with_evidence_for(user)):
        assert question.pk in found["questions", " ".join(question.summary.split()[:3])], question.summary
    if username == "comms":  # the People pages' users: comms find a person by name
        for person in User.objects.filter(is_active=True).exclude(first_name=""):
            assert person.pk in found["people", person.get_full_name()], person.get_full_name()
    evidence_questions = Inquiry.objects.filter(account__in=SocialAccount.objects.with_evidence_for(user))
    any_question = any(pks for (key, _query), pks in found.items() if key == "questions")
    assert any_question == evidence_questions.exists()  # editor1 finds none: not their evidence


def _current_half_year():
    from org.calendar import local_day
    from reports.compliance import Period

    today = local_day(timezone.now())
    return Period.half_year(today.year, 1 if today.month <= 6 else 2)


def test_the_access_and_inquiry_rules_are_in_the_sweep_and_the_compliance_report(seeded):
    """Issue 15's done-when (START-1, REC-3, REC-4): the demo's sweep opens access-review-overdue,
    access-not-removed and inquiry-unregistered (a complaint answered nine days ago, never sent to
    the registry), and the half-year compliance report for all of KI counts each."""
    from monitoring.models import Finding
    from reports.compliance import ComplianceReport

    wanted = {"access-review-overdue", "access-not-removed", "inquiry-unregistered"}
    assert wanted <= set(Finding.objects.filter(resolved_at__isnull=True).values_list("rule", flat=True))
    report = ComplianceReport(user=User.objects.get(username="auditor"), unit=None, period=_current_half_year())
    report.materialise()
    counted = {rule: n for rule, _clauses, n in report.open_findings_by_rule()}
    assert all(counted.get(rule, 0) >= 1 for rule in wanted), counted


def test_the_demo_half_year_report_pdf_answers_on_page_one_without_near_empty_pages(seeded, tmp_path):
    """Issue 16's done-when, on the demo report for all of KI (the auditor's): page 1 holds the
    verdicts, the trend against the previous half year and the whole attention list (ten
    accounts); no page but the last fills less than a quarter of its body (running header and
    footer left out: tests.pdf.page_fill)."""
    import io
    import re
    import shutil

    from django.utils import translation

    from reports import report_files
    from reports.compliance import ComplianceReport
    from reports.verdict import previous_period
    from tests.pdf import page_fill, pdf_text

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext missing (apt-get install poppler-utils)")
    period = _current_half_year()
    report = ComplianceReport(user=User.objects.get(username="auditor"), unit=None, period=period)
    out = io.BytesIO()
    with translation.override("sv"):
        report_files.write_pdf(report, out)
    path = tmp_path / "ki.pdf"
    path.write_bytes(out.getvalue())
    first = pdf_text(path, layout=True).split("\f")[0]
    assert "Bedömning per område i riktlinjerna" in first
    assert re.search(r"Bevakning\s+(Uppfyllt|Delvis uppfyllt|Inte uppfyllt)", first)
    assert "Förändring sedan föregående period" in first and str(previous_period(period)) in first
    attention = report.answer().attention
    assert len(attention) == 10
    assert re.search(r"^\s*10\. ", first, re.M) and attention[-1].account in first
    fill = page_fill(path)
    assert len(fill) > 2 and all(share >= 0.25 for share in fill[:-1]), fill
