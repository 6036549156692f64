"""The records of the list pages of issues 14 to 17 for the HTTP benchmarks: an additional,
idempotent step of bench/seeding.py.

bench/seeding.py seeds the accounts, their keepers, check-ins and the records rules' data
(removed posts, questions, blocks). The registers, queues, search, catalogue, impostor cases,
webhooks, publishers, covers, accessibility reports, delivered reports, the audit trail and the
captures need more: this step adds them, in proportion to the accounts where they grow with the
registry, with ``bulk_create`` (about 10 % of the seeding's time at 100 000 accounts).

It runs when the marker table ``bench_lists_seeded`` is missing: after a fresh seeding, and on a
database that an earlier version of bench/seeding.py seeded without it (``--reuse`` of
bench/seeding.py, bench/http_pages.py and bench/load.py), so that the databases kept with a year
of check-ins need not be seeded again. The marker holds what the pages request (``picks``).

What it adds (N active accounts; every row deterministic for the seed):

- two more people who log in: ``bench-registrar`` (the registrar's queues) and ``bench-auditor``;
- **the measured account** (the first active account the owner owns): FIXED (40) removed posts, questions
  (half unanswered), blocks, media consents, publishers, covers, captures, weeding decisions,
  follow-ups, 2 x FIXED audit events and a check-in on each of the last 30 days, and FIXED past
  absences of its owner, the same at every size, so that its records pages show full pages with the
  same queries at both sizes (before, the account picked at 1 000 had no removed posts);
- media consents for 5 % of the accounts, publishers for 20 %, captures for 5 %, weeding decisions
  for 1 %, audit events for 10 % (two each, chained onto the trail as ``audit_record`` does);
- decision records: a manager's and a sign-off for half of the accounts, 40 % sent to the registry
  without a reference number yet (the registrar's queue), 40 % registered, 20 % not sent;
- requests for public records (N/500, at least 40) on 1 to 4 accounts each;
- impostor cases (N/200, at least 60; a third listed publicly) with one or two reports each;
- accessibility reports (N/200, at least 60), half answered;
- three webhook endpoints, the first with N/2 deliveries (at least 60);
- delivered half-year reports for KI and each managed unit, for the last two half-years (the units
  are the same at every size);
- ``bench-leaver``, who left KI two weeks ago and is still the deputy of 30 accounts (the bulk
  handover page).
"""

import datetime
import json
import random
import time

MARKER = "bench_lists_seeded"
VERSION = "1"  # what the marker records; a database with the marker is not seeded again
FIXED = 40  # rows of each kind on the measured account: more than a page (25) at every size
BATCH = 5000
REGISTRAR_USERNAME = "bench-registrar"
AUDITOR_USERNAME = "bench-auditor"
LEAVER_USERNAME = "bench-leaver"
LEAVER_ACCOUNTS = 30  # accounts without a deputy: about 44 at 1 000 accounts (5 %), more above


def existing() -> dict | None:
    """The picks the marker holds, or None when the step has not run on this database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [MARKER])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT value FROM {MARKER} WHERE key = 'picks'")
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def ensure(logins: dict, password_hash: str, *, seed: int) -> dict:
    """Run the step unless the marker says it ran; returns its picks either way."""
    picks = existing()
    if picks is not None:
        return picks
    start = time.perf_counter()
    print("seeding the list pages' records (bench/seeding_lists.py) …", flush=True)
    from django.db import connection, transaction

    # One transaction: a step that fails leaves nothing behind, and runs again next time.
    with transaction.atomic(), connection.cursor() as cursor:
        picks = Lists(logins, password_hash, seed=seed).run()
        cursor.execute(f"CREATE TABLE {MARKER} (key text PRIMARY KEY, value text NOT NULL)")
        cursor.execute(f"INSERT INTO {MARKER} VALUES ('version', %s), ('picks', %s)", [VERSION, json.dumps(picks)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  list pages' records: {time.perf_counter() - start:.1f} s", flush=True)
    return picks


def awaiting_reference(limit: int = 200) -> list[int]:
    """Decision records sent to the registry without a reference number yet (the registrar's
    queue), the oldest first: bench/load.py's registrar enters their numbers, each once. Read
    on every run: a load run before this one may have numbered some."""
    from django.db.models import Q

    from approvals.models import Decision

    waiting = Decision.objects.filter(~Q(registry_email=""), registry_reference="").order_by("pk")
    return list(waiting.values_list("pk", flat=True)[:limit])


def _bulk(model, rows) -> int:
    """bulk_create in batches; returns the rows created."""
    n, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            model.objects.bulk_create(batch)
            n, batch = n + len(batch), []
    if batch:
        model.objects.bulk_create(batch)
        n += len(batch)
    return n


class Lists:
    def __init__(self, logins: dict, password_hash: str, *, seed: int):
        from django.utils import timezone

        from accounts.choices import AccountStatus
        from accounts.models import SocialAccount
        from org.models import User

        self.rng = random.Random(seed ^ 0x11575)
        self.logins = logins
        self.password_hash = password_hash
        self.now = timezone.now()
        self.today = timezone.localdate()
        active = SocialAccount.objects.filter(status=AccountStatus.ACTIVE).order_by("pk")
        self.accounts = list(active.values_list("pk", "unit_id", "name"))
        self.n = len(self.accounts)
        people = User.objects.filter(is_active=True, username__startswith="bench0")
        self.users = list(people.values_list("pk", flat=True))
        owner = User.objects.get(username=logins["owner"])
        mine = active.filter(  # the owner's own (not one they deputise: the access review is the owner's)
            assignments__person=owner, assignments__role="owner", assignments__ended_at__isnull=True
        )
        self.measured = mine.values_list("pk", "unit_id", "name").first()
        self.counts: dict[str, int] = {}

    def _step(self, label, fn):
        start = time.perf_counter()
        self.counts[label] = n = fn()
        print(f"  {label:<24} {n:>10,} rows  {time.perf_counter() - start:7.1f} s", flush=True)

    def _some(self, share: float):
        """The accounts (pk, unit, name) drawn with probability `share`, the measured one left out."""
        return [a for a in self.accounts if self.rng.random() < share and a[0] != self.measured[0]]

    def person(self) -> int:
        return self.rng.choice(self.users)

    def run(self) -> dict:
        for label, fn in [
            ("registrar and auditor", self.logins_extra),
            ("measured account", self.measured_account),
            ("media consents", self.consents),
            ("publishers", self.publishers),
            ("captures", self.captures),
            ("weeding decisions", self.weeding),
            ("decision records", self.decisions),
            ("records requests", self.records_requests),
            ("impostor cases", self.impostors),
            ("accessibility reports", self.accessibility),
            ("webhooks", self.webhooks),
            ("delivered reports", self.delivered),
            ("audit events", self.audit_events),
            ("a leaver's accounts", self.leaver),
        ]:
            self._step(label, fn)
        return self.picks

    # -- people

    def logins_extra(self) -> int:
        from django.contrib.auth.models import Group

        from org import roles
        from org.models import User

        for username, group, last in (
            (REGISTRAR_USERNAME, roles.REGISTRAR, "Registrar"),
            (AUDITOR_USERNAME, roles.AUDITOR, "Auditor"),
        ):
            user, _created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": "Bench", "last_name": last, "email": f"{username}@ki.invalid"},
            )
            user.password = self.password_hash
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=group))
        return 2

    # -- the measured account: full pages of everything, the same at every size

    def measured_account(self) -> int:
        from monitoring.choices import CoverMeasure
        from monitoring.models import CheckIn, Cover, FollowUp
        from org.models import Absence, User
        from records.models import Block, Incident, Inquiry

        pk, _unit, _name = self.measured
        now, hour = self.now, datetime.timedelta(hours=1)
        n = _bulk(
            Incident,
            (
                Incident(
                    account_id=pk,
                    seen_at=now - (2 * i + 30) * hour,
                    removed_at=now - (2 * i + 29) * hour,
                    poster="visitor",
                    category="rules",
                    description="Bench removed post",
                    logged_by_repr="Bench Person",
                    hand_off=("", "registry", "archive")[i % 3],
                    registry_email="registrator@ki.invalid" if i % 3 == 1 else "",
                    registry_reference=f"KI-{i}" if i % 6 == 1 else "",
                    handed_off_at=now - (2 * i + 28) * hour if i % 3 else None,
                )
                for i in range(FIXED)
            ),
        )
        n += _bulk(
            Inquiry,
            (
                Inquiry(
                    account_id=pk,
                    received_at=now - (3 * i + 30) * hour,
                    due_at=now - (3 * i + 6) * hour,
                    kind=("question", "criticism", "complaint")[i % 3],
                    summary=f"Bench question {i}",
                    answered_at=now - (3 * i + 20) * hour if i % 2 else None,
                    reply_summary="Answered" if i % 2 else "",
                )
                for i in range(FIXED)
            ),
        )
        n += _bulk(
            Block,
            (
                Block(
                    account_id=pk,
                    visitor=f"measured-visitor{i}",
                    action="block",
                    reason="c_defamation",
                    blocked_at=now - (10 * i + 5) * 24 * hour,
                    decided_by_repr="Bench Person",
                    unblocked_at=now - i * 24 * hour if i % 4 == 3 else None,
                )
                for i in range(FIXED)
            ),
        )
        n += _bulk(
            Cover,
            (
                Cover(
                    account_id=pk,
                    measure=CoverMeasure.COMMENTS_OFF,
                    first_day=self.today + datetime.timedelta(days=2 * i),
                    last_day=self.today + datetime.timedelta(days=2 * i),
                    note="bench",
                )
                for i in range(FIXED)
            ),
        )
        # Follow-ups (a yearly one, the latest recent), a check-in each of the last 30 days
        # (where the seeding left a gap), and the owner's absences, long past (no rule sees
        # them): the monitoring page, the owner's absences and person page list full pages.
        n += _bulk(
            FollowUp,
            (
                FollowUp(
                    account_id=pk,
                    period_end=self.today - datetime.timedelta(days=365 * i),
                    figures="Reach 1 000",
                    assessment="On track",
                )
                for i in range(FIXED)
            ),
        )
        days = [self.today - datetime.timedelta(days=k) for k in range(30)]
        checkins = [
            CheckIn(account_id=pk, day=day, person_repr="Bench Person", source="web")
            for day in days
            if not CheckIn.objects.filter(account_id=pk, day=day).exists()
        ]
        n += len(CheckIn.objects.bulk_create(checkins))
        long_ago = self.today - datetime.timedelta(days=800)
        n += _bulk(
            Absence,
            (
                Absence(
                    person=User.objects.get(username=self.logins["owner"]),
                    first_day=long_ago + datetime.timedelta(days=3 * i),
                    last_day=long_ago + datetime.timedelta(days=3 * i + 1),
                    note="bench",
                )
                for i in range(FIXED)
            ),
        )
        # Consents, publishers, captures, weeding and audit events: with the other accounts'.
        return n

    # -- records on a share of the accounts (and FIXED on the measured one)

    def _with_measured(self, share: float, per_account=(1, 3)):
        """(pk, unit, name, k): k-th record of each drawn account; FIXED of the measured one."""
        for a in self._some(share):
            for k in range(self.rng.randint(*per_account)):
                yield (*a, k)
        for k in range(FIXED):
            yield (*self.measured, k)

    def consents(self) -> int:
        from records.models import MediaConsent

        def rows():
            for pk, _unit, _name, k in self._with_measured(0.05):
                withdrawn = self.rng.random() < 0.3
                yield MediaConsent(
                    account_id=pk,
                    subject=f"Bench person {pk}-{k}",
                    form=self.rng.choice(["oral", "written", "group"]),
                    given_on=self.today - datetime.timedelta(days=self.rng.randint(0, 700)),
                    publication="Bench post",
                    photographer="Bench Photographer",
                    photographer_consents=True,
                    withdrawn_on=self.today if withdrawn else None,
                    withdrawn_via="email" if withdrawn else "",
                )

        return _bulk(MediaConsent, rows())

    def publishers(self) -> int:
        """Publishers of 20 % of the accounts (1-3, each a different person or an agency)."""
        from accounts.choices import PublisherStatus
        from accounts.models import Publisher

        statuses = [PublisherStatus.CONFIRMED] * 3 + [PublisherStatus.PENDING, PublisherStatus.REMOVED]
        counts: dict[int, int] = {}
        for pk, _unit, _name, _k in self._with_measured(0.20):
            counts[pk] = counts.get(pk, 0) + 1

        def rows():
            for pk, k in counts.items():
                for person in self.rng.sample(self.users, min(k, len(self.users))):
                    agency = self.rng.random() < 0.2
                    status = self.rng.choice(statuses)
                    yield Publisher(
                        account_id=pk,
                        person_id=None if agency else person,
                        agency_name=f"Bench agency {person}" if agency else "",
                        agency_contact="agency@bench.invalid" if agency else "",
                        platform_role=self.rng.choice(["administrator", "editor", "moderator", "analyst"]),
                        status=status,
                        decided_at=self.now if status != PublisherStatus.PENDING else None,
                        removed_on=self.today if status == PublisherStatus.REMOVED else None,
                    )

        return _bulk(Publisher, rows())

    def captures(self) -> int:
        """Start-page captures (watching) of 5 % of the accounts, one a week; a captured one has
        its screenshot (a row only, as bench/sweep.py's), a fifth need a manual screenshot."""
        from accounts.models import Snapshot
        from watching.capture_models import Capture, CaptureStatus, CaptureTrigger

        planned = []
        for pk, _unit, _name, k in self._with_measured(0.05):
            day = self.today - datetime.timedelta(days=k * 7 + self.rng.randint(0, 6))
            planned.append((pk, day, k % 5 != 4))
        shots = Snapshot.objects.bulk_create(
            (
                Snapshot(
                    account_id=pk,
                    kind="start_page",
                    taken_on=day,
                    file="bench/x.png",
                    content_type="image/png",
                    extension="png",
                    size=1000,
                    width=800,
                    height=600,
                    sha256=f"c{i:063x}",  # unique, and unlike bench/sweep.py's
                )
                for i, (pk, day, captured) in enumerate(planned)
                if captured
            ),
            batch_size=BATCH,
        )
        shot = iter(shots)

        def rows():
            for pk, day, captured in planned:
                yield Capture(
                    account_id=pk,
                    day=day,
                    trigger=CaptureTrigger.SCHEDULED,
                    status=CaptureStatus.CAPTURED if captured else CaptureStatus.MANUAL,
                    url=f"https://www.instagram.com/bench{pk}",
                    final_url=f"https://www.instagram.com/bench{pk}",
                    http_status=200,
                    reason="" if captured else "login wall",
                    snapshot=next(shot) if captured else None,
                    warc_sha256="0" * 64 if captured else "",
                )

        return _bulk(Capture, rows())

    def weeding(self) -> int:
        from records.models import WeedingDecision

        def rows():
            for pk, _unit, _name, k in self._with_measured(0.01):
                start = datetime.date(2020, 1, 1) + datetime.timedelta(days=183 * (k % 8))
                yield WeedingDecision(
                    account_id=pk,
                    period_start=start,
                    period_end=start + datetime.timedelta(days=180),
                    basis="Bench weeding decision",
                    decided_by_repr="Bench Comms",
                    deleted=[{"taken_on": start.isoformat(), "kind": "start_page", "sha256": "0" * 64}],
                )

        return _bulk(WeedingDecision, rows())

    def decisions(self) -> int:
        from approvals.models import Decision

        def rows():
            for pk, unit, _name in self.accounts:
                if self.rng.random() >= 0.5 and pk != self.measured[0]:
                    continue
                for step in ("manager", "comms"):
                    r = self.rng.random()
                    email = "" if r < 0.2 else "registrator@ki.invalid"
                    yield Decision(
                        account_id=pk,
                        step=step,
                        outcome="approve",
                        decided_by_id=self.person(),
                        decided_by_repr="Bench Person",
                        clauses="START-1" if step == "manager" else "START-2",
                        unit_id=unit,
                        unit_repr=f"Enhet {unit}",
                        registry_email=email,
                        registry_reference=f"KI {pk}-{step}" if r >= 0.6 else "",
                    )

        return _bulk(Decision, rows())

    def records_requests(self) -> int:
        from records.models import RecordsRequest

        n = max(40, self.n // 500)
        requests = RecordsRequest.objects.bulk_create(
            RecordsRequest(
                received_at=self.now - datetime.timedelta(days=i),
                requester=f"Bench journalist {i}",
                asked_for="Everything about the account.",
                period_start=self.today - datetime.timedelta(days=90),
                period_end=self.today,
                status="open" if i % 3 == 0 else "closed",
                closed_at=None if i % 3 == 0 else self.now,
            )
            for i in range(n)
        )
        links = []
        for i, req in enumerate(requests):
            chosen = {a[0] for a in self.rng.sample(self.accounts, min(len(self.accounts), self.rng.randint(1, 4)))}
            if i < 2:
                chosen.add(self.measured[0])  # an open one on the measured account: a legal hold
            links += [RecordsRequest.accounts.through(recordsrequest_id=req.pk, socialaccount_id=a) for a in chosen]
        _bulk(RecordsRequest.accounts.through, links)
        self.records_request = requests[0].pk
        return n

    def impostors(self) -> int:
        from records.models import ImpostorCase, ImpostorReport

        n = max(60, self.n // 200)
        statuses = ["new", "triaged", "takedown_requested", "closed"]
        cases = ImpostorCase.objects.bulk_create(
            ImpostorCase(
                key=f"instagram:benchfake{i}",
                address=f"https://www.instagram.com/benchfake{i}",
                platform_slug="instagram",
                handle=f"benchfake{i}",
                status="closed" if i % 3 == 0 else statuses[i % 4],
                verdict="impostor" if i % 3 == 0 else "",
                listed_publicly=i % 3 == 0,
                listed_at=self.now if i % 3 == 0 else None,
                closed_on=self.today if i % 3 == 0 else None,
                reports_count=1 + i % 2,
                last_action_at=self.now - datetime.timedelta(hours=i),
            )
            for i in range(n)
        )
        _bulk(
            ImpostorReport,
            (ImpostorReport(case=c, reason="Pretends to be KI.") for c in cases for _ in range(c.reports_count)),
        )
        self.impostor_case = cases[1].pk
        return n

    def accessibility(self) -> int:
        from accounts.choices import ReportStatus
        from accounts.models import AccessibilityReport

        return _bulk(
            AccessibilityReport,
            (
                AccessibilityReport(
                    message=f"Bench problem {i}: the button cannot be reached with the keyboard.",
                    page_url="/directory/",
                    status=ReportStatus.ANSWERED if i % 2 else ReportStatus.OPEN,
                    answer="Fixed." if i % 2 else "",
                    answered_at=self.now if i % 2 else None,
                )
                for i in range(max(60, self.n // 200))
            ),
        )

    def webhooks(self) -> int:
        import uuid

        from notifications.models import WebhookDelivery, WebhookEndpoint

        endpoints = WebhookEndpoint.objects.bulk_create(
            WebhookEndpoint(name=f"Bench {name}", url=f"https://{name}.bench.invalid/hook", events=["account.live"])
            for name in ("hr", "intranet", "archive")
        )
        self.webhook = endpoints[0].pk
        rng = self.rng
        return 3 + _bulk(
            WebhookDelivery,
            (
                WebhookDelivery(
                    endpoint=endpoints[0],
                    event="account.live",
                    delivery_key=uuid.UUID(int=rng.getrandbits(128)).hex,
                    body="{}",
                    attempts=1,
                    delivered_at=self.now if i % 10 else None,
                    failed_at=None if i % 10 else self.now,
                    last_status=200 if i % 10 else 500,
                )
                for i in range(max(60, self.n // 2))
            ),
        )

    def delivered(self) -> int:
        from org.models import Unit
        from reports.views_report import half_years

        managed = list(Unit.objects.filter(manager__isnull=False).order_by("pk").values_list("pk", flat=True))
        halves = [h[0] for h in half_years(self.today)[1:3]]  # the last two complete half-years

        def rows():
            from reports.models import DeliveredReport

            for half in halves:
                year, k = (int(x) for x in half.split("-"))
                start = datetime.date(year, 1 if k == 1 else 7, 1)
                end = datetime.date(year, 6, 30) if k == 1 else datetime.date(year, 12, 31)
                for unit in [None, *managed]:
                    key = "ki" if unit is None else f"unit-{unit}"
                    yield DeliveredReport(
                        scope_key=key,
                        unit_id=unit,
                        period_start=start,
                        period_end=end,
                        language="sv",
                        made_at=self.now,
                        file_name=f"delivered/bench-{key}-{half}.pdf",
                        download_name=f"{key}-{half}.pdf",
                        size=1000,
                        sha256="0" * 64,
                    )

        from reports.models import DeliveredReport

        return _bulk(DeliveredReport, rows())

    def audit_events(self) -> int:
        """Two events on 10 % of the accounts and 2 x FIXED on the measured one, chained onto the
        trail's last event (audit.chain, as audit_record does; verify_audit_chain holds)."""
        from django.contrib.contenttypes.models import ContentType

        from accounts.models import SocialAccount
        from audit import chain
        from audit.models import AuditEvent

        content_type = ContentType.objects.get_for_model(SocialAccount)
        label = f"{content_type.app_label}.{content_type.model}"
        prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or chain.GENESIS
        last = AuditEvent.objects.order_by("-id").values_list("created_at", flat=True).first()
        at = max(last or self.now, self.now) + datetime.timedelta(seconds=1)
        targets = [(pk, name) for pk, _unit, name, _k in self._with_measured(0.10, (2, 2))]
        targets += [(self.measured[0], self.measured[2])] * FIXED  # 2 x FIXED in all

        def rows():
            nonlocal prev
            for i, (pk, name) in enumerate(targets):
                actions = ("account.update", "block.record")
                event = AuditEvent(
                    created_at=at + datetime.timedelta(microseconds=i),
                    actor_id=None,
                    actor_username="",
                    actor_repr="Bench",
                    action=actions[i % 2],
                    content_type_id=content_type.pk,
                    object_id=str(pk),
                    object_repr=name,
                    before={"purpose": "Before"} if i % 2 == 0 else {},
                    after={"purpose": f"After {i}"} if i % 2 == 0 else {},
                    note="" if i % 2 == 0 else "Bench block",
                    request_id=f"{i:032x}",
                    prev_hash=prev,
                )
                content = {f: getattr(event, f) for f in chain.CONTENT_FIELDS}
                event.hash = prev = chain.row_hash(prev, content, lambda _id: label)
                yield event

        return _bulk(AuditEvent, rows())

    def leaver(self) -> int:
        """Someone who left KI two weeks ago, still the deputy of LEAVER_ACCOUNTS accounts that
        had none (the bulk handover page, issue 13). A person who has left holds no role for the
        rules: the findings do not change."""
        from accounts.choices import Role
        from accounts.models import Assignment, SocialAccount
        from org.models import User

        leaver, _created = User.objects.get_or_create(
            username=LEAVER_USERNAME,
            defaults={"first_name": "Bench", "last_name": "Leaver", "email": f"{LEAVER_USERNAME}@ki.invalid"},
        )
        User.objects.filter(pk=leaver.pk).update(is_active=False, left_on=self.today - datetime.timedelta(days=14))
        has_deputy = Assignment.objects.filter(role=Role.DEPUTY, ended_at__isnull=True).values("account_id")
        accounts = (
            SocialAccount.objects.filter(status="active")
            .exclude(pk__in=has_deputy)
            .order_by("pk")
            .values_list("pk", flat=True)[:LEAVER_ACCOUNTS]
        )
        started = self.now - datetime.timedelta(days=100)
        self.leaver_pk = leaver.pk
        return _bulk(
            Assignment,
            (Assignment(account_id=a, person=leaver, role=Role.DEPUTY, started_at=started) for a in accounts),
        )

    # -- what the pages request

    @property
    def picks(self) -> dict:
        from org.models import User

        person = User.objects.get(username=self.logins["owner"]).pk
        return {
            "registrar": REGISTRAR_USERNAME,
            "auditor": AUDITOR_USERNAME,
            "account": self.measured[0],
            "records_request": self.records_request,
            "impostor_case": self.impostor_case,
            "webhook": self.webhook,
            "person": person,
            "leaver": self.leaver_pk,
            "counts": self.counts,
        }
