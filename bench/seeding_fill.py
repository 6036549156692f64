"""Full pages at every size for the page benchmark (issue 12, fifth pass): an idempotent step of
bench/seeding.py that runs after bench/seeding_lists.py on every seeding, fresh or reused.

bench/http_pages.py compares each page's time at 1 000 and 100 000 accounts. Lists seeded in
proportion to the accounts filled their page at 100 000 but not at 1 000 (10 new impostor cases of
a page of 25, 5 of the manager's unanswered questions of 25, …): the comparison then measured the
rows drawn, not growth with the inventory. This step tops each such list up to a full page where a
database has fewer, counting with the pages' own querysets as the page's user:

- impostor cases: MIN_NEW_CASES (a page) with status "new", MIN_LISTED (a page of the public
  list) listed publicly;
- the manager's questions register, unanswered: MIN_OPEN_QUESTIONS (a page), on the accounts of
  the units they manage, received an hour ago and due tomorrow (none overdue: no rule sees them);
- the manager's to-do page: TODO_SHOWN (the rows a section shows) accounts being decommissioned,
  with a publisher waiting for their confirmation, and with an open coverage gap, in their units;
- the owner's pages, part-full at both sizes: OWNER_TODAY accounts on /today/ (stand-ins for other
  accounts) and OWNER_ACCESS of their accounts with access to remove, as at 100 000.

Rows are only ever added, and only where a database has fewer: every minimum is below what
100 000 accounts seed (83 new cases, 167 listed, 608 unanswered, 55 being decommissioned, more
than 99 publishers and gaps), so that database is left as it is and ``--reuse`` of a database
seeded before this step existed tops it up without seeding again (no marker, no version: the
counts are the check). The coverage gaps are open findings as the sweep leaves them; the page
benchmark runs no sweep (a sweep would resolve those whose keepers are not away).
"""

import datetime
import time

MIN_NEW_CASES = 25  # core.pagination.PAGE_SIZE: /impostor-cases/?status=new
MIN_LISTED = 50  # records.views_impostors.LISTED_PAGE_SIZE: /impostors/
MIN_OPEN_QUESTIONS = 25  # a register's page: /registers/questions/?state=open as the manager
TODO_SHOWN = 10  # approvals.views.TODO_LATEST: rows of each to-do section
# The owner's pages are not full at 100 000 either (the median owner there keeps 36 accounts, 9 of
# them with access to review; at 1 000 the owner keeps 30, 7): as many as at 100 000.
OWNER_TODAY = 36  # /today/ (a page of 50)
OWNER_ACCESS = 9  # the owner's /todo/ section "people with access to review or remove"


def ensure(logins: dict, measured: int) -> dict[str, int]:
    """Top every list up to its minimum; returns the rows added by kind (none on a database that
    has them all, which is then not written)."""
    from django.db import connection, transaction

    from org.models import User

    start = time.perf_counter()
    manager = User.objects.get(username=logins["manager"])
    owner = User.objects.get(username=logins["owner"])
    with transaction.atomic():
        added = {
            "new impostor cases": _impostor_cases(listed=False),
            "listed impostors": _impostor_cases(listed=True),
            "unanswered questions": _open_questions(manager, measured),
            "being decommissioned": _decommissioning(manager),
            "publishers to confirm": _publishers_to_confirm(manager, measured),
            "coverage gaps": _coverage_gaps(manager, measured),
            "owner's stand-ins": _owner_today(owner, measured),
            "owner's access to review": _owner_access(owner, measured),
        }
    if any(added.values()):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    shown = ", ".join(f"{label} +{n}" for label, n in added.items() if n) or "nothing missing"
    print(f"  full pages (bench/seeding_fill.py): {shown}; {time.perf_counter() - start:.1f} s", flush=True)
    return added


def _managed_accounts(manager, measured: int):
    """The active accounts of the manager's units in id order (deterministic), without the measured
    account: its pages (questions, publishers, monitoring) stay as bench/seeding_lists.py seeded them."""
    from accounts.models import SocialAccount
    from org.models import Unit

    managed = SocialAccount.objects.filter(unit__in=Unit.objects.managed_by(manager), status="active")
    return managed.exclude(pk=measured).order_by("pk")


def _impostor_cases(*, listed: bool) -> int:
    from django.utils import timezone

    from records.impostors import impostors_listed
    from records.models import ImpostorCase, ImpostorReport

    have = impostors_listed().count() if listed else ImpostorCase.objects.filter(status="new").count()
    missing = max(0, (MIN_LISTED if listed else MIN_NEW_CASES) - have)
    if not missing:
        return 0
    now, kind = timezone.now(), "listed" if listed else "new"
    cases = ImpostorCase.objects.bulk_create(
        ImpostorCase(
            key=f"instagram:benchfill{kind}{i}",
            address=f"https://www.instagram.com/benchfill{kind}{i}",
            platform_slug="instagram",
            handle=f"benchfill{kind}{i}",
            status="closed" if listed else "new",
            verdict="impostor" if listed else "",
            listed_publicly=listed,
            listed_at=now - datetime.timedelta(days=30 + i) if listed else None,
            closed_on=timezone.localdate() if listed else None,
            reports_count=1,
            last_action_at=now - datetime.timedelta(days=30, hours=i),
        )
        for i in range(missing)
    )
    ImpostorReport.objects.bulk_create(ImpostorReport(case=c, reason="Pretends to be KI.") for c in cases)
    return len(cases)


def _open_questions(manager, measured: int) -> int:
    from django.utils import timezone

    from records.models import Inquiry
    from records.registers import inquiry_register

    unanswered = inquiry_register(manager).filter(answered_at__isnull=True)
    missing = max(0, MIN_OPEN_QUESTIONS - unanswered.count())
    if not missing:
        return 0
    accounts = list(_managed_accounts(manager, measured).values_list("pk", flat=True)[:missing])
    now = timezone.now()
    Inquiry.objects.bulk_create(
        Inquiry(
            account_id=accounts[i % len(accounts)],
            received_at=now - datetime.timedelta(hours=1, minutes=i),
            due_at=now + datetime.timedelta(days=1),
            kind="question",
            summary=f"Bench open question {i}",
        )
        for i in range(missing)
    )
    _check(unanswered.count(), MIN_OPEN_QUESTIONS, "unanswered questions")
    return missing


def _decommissioning(manager) -> int:
    from django.utils import timezone

    from accounts.choices import AccountStatus, Classification, Origin
    from accounts.models import Platform, SocialAccount
    from approvals.selectors import todo_for
    from org.models import Unit

    section = todo_for(user=manager)["decommissioning"]
    missing = max(0, TODO_SHOWN - section.count())
    if not missing:
        return 0
    units = list(Unit.objects.managed_by(manager).order_by("path").values_list("pk", flat=True))
    platforms = list(Platform.objects.order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    SocialAccount.objects.bulk_create(
        SocialAccount(
            name=f"KI bench decommissioning {k}",
            platform_id=platforms[k % len(platforms)],
            handle=f"benchdecom{k}",
            unit_id=units[k % len(units)],
            classification=Classification.OFFICIAL,
            purpose="Benchmark account being decommissioned",
            status=AccountStatus.DECOMMISSIONING,
            origin=Origin.IMPORT,
            activated_at=now - datetime.timedelta(days=400),
        )
        for k in range(missing)
    )
    _check(section.count(), TODO_SHOWN, "accounts being decommissioned")
    return missing


def _publishers_to_confirm(manager, measured: int) -> int:
    from accounts.access_selectors import todo_publishers_to_confirm
    from accounts.choices import PublisherStatus
    from accounts.models import Publisher

    section = todo_publishers_to_confirm(manager)[2]
    missing = max(0, TODO_SHOWN - section.count())
    if not missing:
        return 0
    accounts = _managed_accounts(manager, measured).exclude(pk__in=section.values("pk")).values_list("pk", flat=True)
    Publisher.objects.bulk_create(
        Publisher(
            account_id=pk,
            agency_name=f"Bench fill agency {pk}",
            agency_contact="agency@bench.invalid",
            platform_role="editor",
            status=PublisherStatus.PENDING,
        )
        for pk in accounts[:missing]
    )
    _check(section.count(), TODO_SHOWN, "accounts with publishers to confirm")
    return missing


def _coverage_gaps(manager, measured: int) -> int:
    from django.utils import timezone

    from monitoring.cover import COVERAGE_GAP, cover_needed
    from monitoring.models import Finding

    section = cover_needed(manager)[2]
    missing = max(0, TODO_SHOWN - section.count())
    if not missing:
        return 0
    open_gaps = Finding.objects.filter(rule=COVERAGE_GAP, resolved_at__isnull=True).values("account")
    accounts = _managed_accounts(manager, measured).exclude(pk__in=open_gaps).values_list("pk", "unit_id")[:missing]
    now = timezone.now()
    Finding.objects.bulk_create(
        Finding(account_id=pk, rule=COVERAGE_GAP, unit_id=unit, opened_at=now, last_seen_at=now)
        for pk, unit in accounts
    )
    _check(section.count(), TODO_SHOWN, "coverage gaps")
    return missing


def _owner_today(owner, measured: int) -> int:
    """The owner stands in (a cover) for other accounts of their units until /today/ lists
    OWNER_TODAY: their own accounts and their access reviews stay as seeded."""
    from django.utils import timezone

    from accounts.models import SocialAccount
    from monitoring.choices import CoverMeasure
    from monitoring.models import Cover
    from monitoring.selectors import today_accounts

    today_list = today_accounts(user=owner, now=timezone.now())
    missing = max(0, OWNER_TODAY - today_list.count())
    if not missing:
        return 0
    today = timezone.localdate()
    others = SocialAccount.objects.filter(status="active").exclude(pk=measured)  # (its covers page as seeded)
    others = others.exclude(pk__in=today_list.values("pk"))
    Cover.objects.bulk_create(
        Cover(
            account_id=pk,
            measure=CoverMeasure.STAND_IN,
            stand_in=owner,
            first_day=today - datetime.timedelta(days=30),
            last_day=today + datetime.timedelta(days=3650),  # still today when the database is reused
            note="bench stand-in",
        )
        for pk in others.order_by("pk").values_list("pk", flat=True)[:missing]
    )
    _check(today_list.count(), OWNER_TODAY, "accounts on the owner's today")
    return missing


def _owner_access(owner, measured: int) -> int:
    """Someone whose temporary access ended yesterday still has it on more of the owner's own live
    accounts (rule access-not-removed) until their to-do section lists OWNER_ACCESS (never on the
    measured account: its publishers page stays as seeded)."""
    from django.utils import timezone

    from accounts.access_selectors import todo_access
    from accounts.choices import PublisherStatus
    from accounts.models import Publisher, SocialAccount

    section = todo_access(owner)[2]
    missing = max(0, OWNER_ACCESS - section.count())
    if not missing:
        return 0
    owned = SocialAccount.objects.filter(
        status="active", assignments__person=owner, assignments__role="owner", assignments__ended_at__isnull=True
    )
    candidates = (
        owned.exclude(pk__in=[*section.values_list("pk", flat=True), measured])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Publisher.objects.bulk_create(
        Publisher(
            account_id=pk,
            agency_name=f"Bench former agency {pk}",
            agency_contact="agency@bench.invalid",
            platform_role="editor",
            status=PublisherStatus.CONFIRMED,
            decided_at=timezone.now() - datetime.timedelta(days=60),
            ends_on=timezone.localdate() - datetime.timedelta(days=1),
        )
        for pk in candidates[:missing]
    )
    _check(section.count(), OWNER_ACCESS, "of the owner's accounts with access to review")
    return missing


def _check(have: int, wanted: int, what: str) -> None:
    # The rows added must reach the page (the page's own queryset counts them): else the
    # benchmark would compare a part-empty page again without anyone noticing.
    if have < wanted:
        raise RuntimeError(f"bench/seeding_fill.py: {have} {what} after topping up, not {wanted}")
