"""Build a KI-like organisation with demo users and about 40 accounts in many states.

Idempotent: every object is looked up by its natural key and created only when missing, so a
second run changes nothing. Refuses to write to a non-debug installation unless --force.
"""

import datetime
import io

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.choices import AccountStatus, Classification, Role, SnapshotKind
from accounts.models import Assignment, Platform, SocialAccount
from accounts.services import (
    sender_checklist_confirm,
    sender_checklist_items,
    social_account_create,
    social_account_details_change,
    social_account_draft_create,
)
from accounts.snapshots import snapshot_upload
from accounts.urlparse import recognise
from approvals.choices import Outcome
from approvals.services import (
    account_go_live,
    comms_decide,
    decision_reference_set,
    decommission_confirm,
    decommission_items,
    decommission_start,
    eligible_managers,
    manager_decide,
    request_submit,
)
from monitoring.models import CheckIn, FollowUp
from monitoring.services import compliance_sweep
from notifications.models import Notification
from org import roles
from org.calendar import local_day
from org.choices import UnitKind
from org.models import Unit
from org.services import absence_create, unit_create
from records.blocks import block_record, block_review
from records.consents import consent_record
from records.disclosure import records_request_log
from records.services import incident_hand_off, incident_log, incident_reference_set, inquiry_answer, inquiry_log

S = AccountStatus

# username, first name, last name, groups, language
PEOPLE = [
    ("owner", "Olivia", "Ägare", (), "sv"),
    ("deputy", "David", "Ersättare", (), "en"),
    ("manager", "Maria", "Prefektsson", (), "sv"),
    ("comms", "Karin", "Kommunikatör", (roles.COMMS,), "sv"),
    ("auditor", "Anders", "Revisor", (roles.AUDITOR,), "sv"),
    ("univdir", "Ulla", "Förvaltningschef", (), "sv"),
    ("headcomms", "Henrik", "Kommunikationschef", (roles.COMMS,), "sv"),
    ("neurohead", "Nils", "Neurolog", (), "en"),
    ("limehead", "Lena", "Lärande", (), "sv"),
    ("cardiohead", "Karl", "Hjärtström", (), "sv"),
    ("epihead", "Eva", "Epidemiolog", (), "sv"),
    ("studenthead", "Sara", "Studentsson", (), "sv"),
    ("crisishead", "Cecilia", "Krisberg", (), "en"),
    ("editor1", "Johan", "Redaktör", (), "sv"),
    ("editor2", "Fatima", "Webbansvarig", (), "sv"),
    ("editor3", "Ahmed", "Innehåll", (), "en"),
    ("editor4", "Linnea", "Fotograf", (), "sv"),
]

# name, English name, kind, parent name, manager username, registry e-mail
UNITS = [
    (
        "Universitetsförvaltningen",
        "University Administration",
        UnitKind.UNIVERSITY_ADMINISTRATION,
        None,
        "univdir",
        "registrator@ki.se",
    ),
    (
        "Kommunikationsavdelningen",
        "Communications Office",
        UnitKind.OFFICE,
        "Universitetsförvaltningen",
        "headcomms",
        "registrator@ki.se",
    ),
    (
        "Studentavdelningen",
        "Student Office",
        UnitKind.OFFICE,
        "Universitetsförvaltningen",
        "studenthead",
        "registrator@ki.se",
    ),
    (
        "Institutionen för medicin, Solna",
        "Department of Medicine, Solna",
        UnitKind.DEPARTMENT,
        None,
        "manager",
        "registrator.meds@ki.se",
    ),
    (
        "Avdelningen för kardiologi",
        "Division of Cardiology",
        UnitKind.DIVISION,
        "Institutionen för medicin, Solna",
        "cardiohead",
        "",
    ),
    (
        "Avdelningen för klinisk epidemiologi",
        "Clinical Epidemiology Division",
        UnitKind.DIVISION,
        "Institutionen för medicin, Solna",
        "epihead",
        "",
    ),
    (
        "Forskargruppen för hjärtsvikt",
        "Heart Failure Research Group",
        UnitKind.RESEARCH_GROUP,
        "Avdelningen för kardiologi",
        None,
        "",
    ),
    (
        "Institutionen för neurovetenskap",
        "Department of Neuroscience",
        UnitKind.DEPARTMENT,
        None,
        "neurohead",
        "registrator.neuro@ki.se",
    ),
    (
        "Institutionen för lärande, informatik, management och etik",
        "Department of Learning, Informatics, Management and Ethics",
        UnitKind.DEPARTMENT,
        None,
        "limehead",
        "registrator.lime@ki.se",
    ),
    ("Centrum för hälsokriser", "Centre for Health Crises", UnitKind.CENTRE, None, "crisishead", ""),
    # A centre whose responsible manager has left: its accounts lack one (RESP-1).
    ("Centrum för innovativ medicin", "Center for Innovative Medicine", UnitKind.CENTRE, None, None, ""),
]

PURPOSE = (
    "Sprida kunskap om {topic} till {audience} och stärka KI:s roll som ett medicinskt universitet "
    "i enlighet med KI:s strategi 2030."
)
# name, url, unit, status, owner, deputy, classification, topic, audience
ACCOUNTS = [
    (
        "Karolinska Institutet",
        "https://www.facebook.com/karolinskainstitutet",
        "Kommunikationsavdelningen",
        S.ACTIVE,
        "editor1",
        "editor2",
        None,
        "KI:s forskning och utbildning",
        "allmänheten",
    ),
    (
        "Karolinska Institutet",
        "https://www.instagram.com/karolinskainstitutet/",
        "Kommunikationsavdelningen",
        S.ACTIVE,
        "editor2",
        "editor1",
        None,
        "livet på KI",
        "studenter och allmänheten",
    ),
    (
        "Karolinska Institutet",
        "https://www.linkedin.com/school/karolinska-institutet/",
        "Kommunikationsavdelningen",
        S.ACTIVE,
        "editor1",
        "editor3",
        None,
        "KI som arbetsgivare",
        "yrkesverksamma",
    ),
    (
        "Karolinska Institutet",
        "https://x.com/karolinskainst",
        "Kommunikationsavdelningen",
        S.ACTIVE,
        "editor3",
        "editor1",
        None,
        "forskningsnyheter",
        "journalister",
    ),
    (
        "Karolinska Institutet",
        "https://www.youtube.com/@karolinskainstitutet",
        "Kommunikationsavdelningen",
        S.ACTIVE,
        "editor2",
        "editor4",
        None,
        "föreläsningar och filmer",
        "allmänheten",
    ),
    (
        "Karolinska Institutet",
        "https://bsky.app/profile/ki.se",
        "Kommunikationsavdelningen",
        S.ACTIVE,
        "editor3",
        "editor2",
        None,
        "forskningsnyheter",
        "forskare",
    ),
    (
        "Karolinska Institutet",
        "https://www.tiktok.com/@karolinskainstitutet",
        "Kommunikationsavdelningen",
        S.AWAITING_COMMS,
        "editor4",
        "editor2",
        None,
        "studentlivet",
        "blivande studenter",
    ),
    (
        "Karolinska Institutet",
        "https://www.threads.net/@karolinskainstitutet",
        "Kommunikationsavdelningen",
        S.DECOMMISSIONING,
        "editor2",
        "editor3",
        None,
        "KI i vardagen",
        "allmänheten",
    ),
    (
        "KI Flickr",
        "https://www.flickr.com/photos/karolinskainstitutet",
        "Kommunikationsavdelningen",
        S.DECOMMISSIONED,
        "editor4",
        "editor1",
        None,
        "pressbilder",
        "journalister",
    ),
    (
        "KI Vimeo",
        "https://vimeo.com/karolinskainstitutet",
        "Kommunikationsavdelningen",
        S.ACTIVE,
        "editor4",
        "editor2",
        None,
        "filmer",
        "allmänheten",
    ),
    (
        "Studera vid KI",
        "https://www.instagram.com/studyatki",
        "Studentavdelningen",
        S.ACTIVE,
        "editor3",
        "editor4",
        None,
        "utbildningar",
        "blivande studenter",
    ),
    (
        "Study at KI",
        "https://www.facebook.com/studyatki",
        "Studentavdelningen",
        S.ACTIVE,
        "editor3",
        "editor1",
        None,
        "utbildningar",
        "internationella studenter",
    ),
    (
        "KI Student Ambassadors",
        "https://www.instagram.com/kistudentambassadors",
        "Studentavdelningen",
        S.ACTIVE,
        "editor4",
        "editor3",
        Classification.STUDENT_AMBASSADOR,
        "studentlivet",
        "blivande studenter",
    ),
    (
        "KI Student Life",
        "https://www.tiktok.com/@kistudentlife",
        "Studentavdelningen",
        S.ACTIVE,
        "editor3",
        "editor4",
        Classification.STUDENT_AMBASSADOR,
        "studentlivet",
        "blivande studenter",
    ),
    (
        "Institutionen för medicin, Solna",
        "https://www.facebook.com/medsolna",
        "Institutionen för medicin, Solna",
        S.ACTIVE,
        "owner",
        "deputy",
        None,
        "institutionens forskning",
        "allmänheten",
    ),
    (
        "MedS Solna",
        "https://www.linkedin.com/company/meds-solna",
        "Institutionen för medicin, Solna",
        S.ACTIVE,
        "owner",
        "deputy",
        None,
        "institutionens forskning",
        "forskare",
    ),
    (
        "MedS Solna",
        "https://x.com/medsolna",
        "Institutionen för medicin, Solna",
        S.ACTIVE,
        "deputy",
        "owner",
        None,
        "forskningsnyheter",
        "forskare",
    ),
    (
        "MedS Solna",
        "https://www.instagram.com/medsolna",
        "Institutionen för medicin, Solna",
        S.APPROVED,
        "owner",
        "deputy",
        None,
        "forskarvardag",
        "studenter",
    ),
    (
        "MedS Solna podcast",
        "https://open.spotify.com/show/4rOoJ6Egrf8K2IrywzwOMk",
        "Institutionen för medicin, Solna",
        S.AWAITING_MANAGER,
        "owner",
        "deputy",
        None,
        "samtal om medicin",
        "allmänheten",
    ),
    (
        "MedS Solna Bluesky",
        "",
        "Institutionen för medicin, Solna",
        S.DRAFT,
        "owner",
        "deputy",
        None,
        "forskningsnyheter",
        "forskare",
    ),
    (
        "MedS Solna Threads",
        "",
        "Institutionen för medicin, Solna",
        S.RETURNED,
        "owner",
        "deputy",
        None,
        "forskarvardag",
        "allmänheten",
    ),
    (
        "MedS Snapchat",
        "",
        "Institutionen för medicin, Solna",
        S.REJECTED,
        "owner",
        "deputy",
        None,
        "studentlivet",
        "gymnasieelever",
    ),
    (
        "KI Kardiologi",
        "https://www.facebook.com/kikardiologi",
        "Avdelningen för kardiologi",
        S.ACTIVE,
        "owner",
        "editor1",
        None,
        "hjärtforskning",
        "patienter och anhöriga",
    ),
    (
        "KI Cardiology",
        "https://x.com/kicardiology",
        "Avdelningen för kardiologi",
        S.ACTIVE,
        "deputy",
        "owner",
        None,
        "hjärtforskning",
        "forskare",
    ),
    (
        "Heart Failure Lab",
        "https://bsky.app/profile/heartfailurelab.bsky.social",
        "Forskargruppen för hjärtsvikt",
        S.ACTIVE,
        "owner",
        "deputy",
        None,
        "hjärtsviktsforskning",
        "forskare",
    ),
    (
        "Heart Failure Lab",
        "https://github.com/heartfailurelab",
        "Forskargruppen för hjärtsvikt",
        S.ACTIVE,
        "deputy",
        "owner",
        None,
        "öppen forskningskod",
        "forskare",
    ),
    (
        "Klinisk epidemiologi",
        "https://www.linkedin.com/company/ki-clinical-epidemiology",
        "Avdelningen för klinisk epidemiologi",
        S.ACTIVE,
        "editor1",
        "deputy",
        None,
        "registerforskning",
        "forskare",
    ),
    (
        "Klinisk epidemiologi",
        "https://www.youtube.com/@kiklinepi",
        "Avdelningen för klinisk epidemiologi",
        S.AWAITING_COMMS,
        "editor1",
        "owner",
        None,
        "metodföreläsningar",
        "doktorander",
    ),
    (
        "Neuroscience at KI",
        "https://www.facebook.com/neuroscienceki",
        "Institutionen för neurovetenskap",
        S.ACTIVE,
        "editor3",
        "editor4",
        None,
        "hjärnforskning",
        "allmänheten",
    ),
    (
        "Neuroscience at KI",
        "https://x.com/neuroscienceki",
        "Institutionen för neurovetenskap",
        S.ACTIVE,
        "editor3",
        "editor2",
        None,
        "hjärnforskning",
        "forskare",
    ),
    (
        "Neuroscience at KI",
        "https://www.instagram.com/neuroscienceki",
        "Institutionen för neurovetenskap",
        S.DECOMMISSIONED,
        "editor4",
        "editor3",
        None,
        "hjärnforskning",
        "studenter",
    ),
    (
        "Hjärnans dag",
        "https://www.youtube.com/@hjarnansdag",
        "Institutionen för neurovetenskap",
        S.ACTIVE,
        "editor4",
        "editor3",
        None,
        "hjärnan",
        "skolelever",
    ),
    (
        "Neuro podcast",
        "",
        "Institutionen för neurovetenskap",
        S.AWAITING_MANAGER,
        "editor3",
        "editor4",
        None,
        "hjärnforskning",
        "allmänheten",
    ),
    (
        "LIME",
        "https://www.linkedin.com/company/lime-ki",
        "Institutionen för lärande, informatik, management och etik",
        S.ACTIVE,
        "editor2",
        "editor1",
        None,
        "hälso- och sjukvårdens organisation",
        "yrkesverksamma",
    ),
    (
        "LIME",
        "https://www.facebook.com/limeki",
        "Institutionen för lärande, informatik, management och etik",
        S.DECOMMISSIONING,
        "editor2",
        "editor4",
        None,
        "utbildning",
        "studenter",
    ),
    (
        "Medical Management Centre",
        "https://x.com/mmc_ki",
        "Institutionen för lärande, informatik, management och etik",
        S.ACTIVE,
        "editor1",
        "editor2",
        None,
        "ledarskap i vården",
        "chefer i vården",
    ),
    (
        "Centrum för hälsokriser",
        "https://www.linkedin.com/company/ki-health-crises",
        "Centrum för hälsokriser",
        S.ACTIVE,
        "editor3",
        "editor1",
        None,
        "beredskap och hälsokriser",
        "beslutsfattare",
    ),
    (
        "Centre for Health Crises",
        "https://x.com/kihealthcrises",
        "Centrum för hälsokriser",
        S.ACTIVE,
        "editor3",
        "editor2",
        None,
        "beredskap och hälsokriser",
        "journalister",
    ),
    (
        "Centre for Health Crises",
        "https://mastodon.social/@kihealthcrises",
        "Centrum för hälsokriser",
        S.APPROVED,
        "editor3",
        "editor1",
        None,
        "beredskap",
        "forskare",
    ),
    (
        "Hälsokriser podd",
        "https://soundcloud.com/kihealthcrises",
        "Centrum för hälsokriser",
        S.REJECTED,
        "editor1",
        "editor3",
        None,
        "beredskap",
        "allmänheten",
    ),
    # Accounts whose deputy or owner has left (RES-2 findings).
    (
        "CIMED",
        "https://x.com/cimed_ki",
        "Centrum för innovativ medicin",
        S.ACTIVE,
        "editor2",
        None,
        None,
        "innovativ medicin",
        "forskare",
    ),
    (
        "CIMED",
        "https://www.linkedin.com/company/cimed-ki",
        "Centrum för innovativ medicin",
        S.ACTIVE,
        None,
        "editor4",
        None,
        "innovativ medicin",
        "näringslivet",
    ),
]

# Units whose active accounts went through the portal's request flow; elsewhere they were
# registered by the communications department and await a retroactive approval.
REQUESTED_UNITS = {"Institutionen för medicin, Solna", "Centrum för hälsokriser"}


class Command(BaseCommand):
    help = "Create demo users, units and accounts (idempotent). Demo password: kipolicy-demo."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if any user exists.")

    def handle(self, *args, force=False, if_empty=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to write demo data with DEBUG off; use --force if you mean it.")
        User = get_user_model()
        if if_empty and User.objects.exists():
            self.stdout.write("Users exist; demo data not written.")
            return
        with transaction.atomic():
            counts = self.seed()
        self.stdout.write(self.style.SUCCESS("Demo data: " + ", ".join(f"{v} {k}" for k, v in counts.items())))

    def seed(self) -> dict:
        User = get_user_model()
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in roles.ROLE_GROUPS}
        people, created_users = {}, 0
        for username, first, last, group_names, language in PEOPLE:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(
                    username=username,
                    password=settings.DEMO_PASSWORD,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@demo.ki.se",
                    language=language,
                )
                user.groups.set([groups[g] for g in group_names])
                created_users += 1
            people[username] = user
        actor = people["comms"]

        units, created_units = {}, 0
        for name, name_en, kind, parent, manager, registry in UNITS:
            unit = Unit.objects.filter(name=name).first()
            if unit is None:
                unit = unit_create(
                    actor=actor,
                    name=name,
                    name_en=name_en,
                    kind=kind,
                    parent=units[parent] if parent else None,
                    manager=people[manager] if manager else None,
                    registry_email=registry,
                )
                created_units += 1
            units[name] = unit

        platforms = {p.slug: p for p in Platform.objects.all()}
        created_accounts = 0
        for name, url, unit, status, owner, deputy, classification, topic, audience in ACCOUNTS:
            found = recognise(url) if url else None
            platform = platforms[found.platform] if found else platforms[_platform_from_name(name)]
            # Requests get their address only once approved: find them by name and unit too.
            same = Q(name=name, unit=units[unit]) | (Q(handle=found.handle) if found else Q(pk__in=[]))
            if SocialAccount.objects.filter(same, platform=platform).exists():
                continue
            fields = dict(  # noqa: C408 - reads like the form it stands for
                name=name,
                platform=platform,
                unit=units[unit],
                classification=classification or Classification.OFFICIAL,
                purpose=PURPOSE.format(topic=topic, audience=audience),
                goal=f"Nå ut till {audience} med regelbundna inlägg om {topic}; öka räckvidden med 10 % per år.",
                operational_benefit=f"Verksamheten når {audience} direkt och får återkoppling.",
                audience_benefit=f"{audience.capitalize()} får aktuell och faktagranskad information om {topic}.",
                target_audiences=audience.capitalize(),
                success_measures="Räckvidd, engagemang och antal besvarade frågor, följs upp årligen.",
                resource_assessment="Kontoansvarig och ersättare avsätter tid varje dag; bedömd med prefekt.",
                hours_per_week=4,
                holiday_cover="Ersättaren bevakar under kontoansvariges semester; helger delas enligt schema.",
            )
            live = status in (S.ACTIVE, S.DECOMMISSIONING, S.DECOMMISSIONED)
            if live and unit not in REQUESTED_UNITS:
                account = social_account_create(
                    actor=actor,
                    owner=people.get(owner),
                    deputy=people.get(deputy),
                    handle=found.handle,
                    url=found.url,
                    **fields,
                )
            else:
                account = self.request_flow(
                    status if not live else S.ACTIVE, people[owner], people[deputy], found, fields, actor
                )
            if status in (S.DECOMMISSIONING, S.DECOMMISSIONED):
                decommission_start(actor=actor, account_id=account.pk, reason="Kanalen används inte längre.")
            if status == S.DECOMMISSIONED:
                account.refresh_from_db()
                decommission_confirm(actor=actor, account_id=account.pk, items=decommission_items(account))
            created_accounts += 1
        if created_accounts:
            self.seed_monitoring(people)
        # Demo data does not mail anyone: its outbox rows are marked as handled, not sent.
        Notification.objects.filter(sent_at__isnull=True).update(
            sent_at=timezone.now(), last_error="demo data: not delivered"
        )
        return {"users": created_users, "units": created_units, "accounts": created_accounts}

    def seed_monitoring(self, people):
        """A history for the compliance rules to find: half a year of check-ins with some gaps, old
        activation dates, screenshots, follow-ups, absences that leave no cover, an inactive
        channel. Then one sweep, so that every kind of finding is there."""
        now = timezone.now()
        today = local_day(now)
        active = list(SocialAccount.objects.filter(status=S.ACTIVE).order_by("pk"))
        # Backdate activation (history, not a state change: the lifecycle has already run).
        for i, account in enumerate(active):
            activated = now - datetime.timedelta(days=200 + 37 * i)
            SocialAccount.objects.filter(pk=account.pk).update(activated_at=activated)
            # Its first owner and deputy have held the role since then (history too), so that the
            # compliance report's "days without deputy" counts only real gaps.
            for role in (Role.OWNER, Role.DEPUTY):
                first = Assignment.objects.filter(account=account, role=role).order_by("started_at", "pk").first()
                if first is not None:
                    Assignment.objects.filter(pk=first.pk).update(started_at=activated)
        checkins = []
        for i, account in enumerate(active):
            if i % 7 == 3:
                continue  # never checked in: missed monitoring
            for back in range(1, 184):  # half a year of history, for the compliance report
                if i % 5 == 1 and back in (1, 2):
                    continue  # missed yesterday and the day before
                if (i + back) % 11 == 0:
                    continue  # the odd missed day
                day = today - datetime.timedelta(days=back)
                latest_post = day - datetime.timedelta(days=250 if i % 9 == 4 else 2)
                checkins.append(
                    CheckIn(
                        account=account,
                        day=day,
                        person=people["owner"],
                        person_repr=str(people["owner"]),
                        note="Kommentarer besvarade.",
                        latest_post_on=latest_post,
                    )
                )
        CheckIn.objects.bulk_create(checkins, ignore_conflicts=True)
        for i, account in enumerate(active):
            if i % 3 == 0:
                FollowUp.objects.create(
                    account=account,
                    period_end=today - datetime.timedelta(days=90),
                    figures="Räckvidd 12 000 per månad, 340 nya följare, 45 besvarade frågor.",
                    assessment="Målen för räckvidd nåddes; engagemanget kan bli bättre.",
                    recorded_by=people["owner"],
                )
        comms = people["comms"]
        for i, account in enumerate(active):
            if i % 4 == 0:  # a start-page screenshot three months ago (REC-5); the others are overdue
                snapshot_upload(
                    actor=comms,
                    account_id=account.pk,
                    kind=SnapshotKind.START_PAGE,
                    taken_on=today - datetime.timedelta(days=90),
                    uploaded_file=_demo_screenshot(account),
                )
        owner, deputy = people["owner"], people["deputy"]
        # Owner and deputy both away on the same days within the next month: a coverage gap.
        absence_create(
            actor=owner,
            first_day=today + datetime.timedelta(days=10),
            last_day=today + datetime.timedelta(days=20),
            note="Semester",
        )
        absence_create(
            actor=deputy,
            first_day=today + datetime.timedelta(days=15),
            last_day=today + datetime.timedelta(days=25),
            note="Föräldraledighet",
        )
        self.seed_records(people, now)
        compliance_sweep(now=now)

    def seed_records(self, people, now):
        """Removed posts and questions on the demo owner's accounts: one handed to the registry with
        its reference number, one not yet handed off; questions answered, overdue and routed."""
        owner = people["owner"]
        account = (
            SocialAccount.objects.filter(status=S.ACTIVE, assignments__person=owner, assignments__ended_at__isnull=True)
            .order_by("pk")
            .first()
        )
        if account is None:
            return
        days = datetime.timedelta(days=1)
        for back, category, hand_off in ((6, "c_defamation", True), (5, "f_advertising", False)):
            removed = now - back * days
            incident = incident_log(
                actor=owner,
                account_id=account.pk,
                seen_at=removed - datetime.timedelta(hours=2),
                removed_at=removed,
                poster="visitor",
                category=category,
                description="Kommentar borttagen enligt kontots regler.",
                screenshots=[
                    ("removed_post", _demo_screenshot(account, f"inlägg {back}")),
                    ("ki_reply", _demo_screenshot(account, f"svar {back}")),
                ],
            )
            if hand_off:
                incident_hand_off(actor=owner, incident_id=incident.pk, to="registry")
                incident_reference_set(actor=owner, incident_id=incident.pk, reference=f"1-{incident.pk:04d}/2026")
        answered = inquiry_log(
            actor=owner,
            account_id=account.pk,
            received_at=now - 3 * days,
            kind="question",
            summary="Hur anmäler man sig till föreläsningen?",
        )
        inquiry_answer(
            actor=owner,
            inquiry_id=answered.pk,
            answered_at=now - 3 * days + datetime.timedelta(hours=3),
            reply_summary="Länk till anmälan på ki.se.",
        )
        inquiry_log(
            actor=owner,
            account_id=account.pk,
            received_at=now - 4 * days,
            kind="question",
            summary="Var hittar jag rapporten som nämndes i inlägget?",
        )
        inquiry_log(
            actor=owner,
            account_id=account.pk,
            received_at=now - datetime.timedelta(hours=3),
            kind="criticism",
            summary="Kritik mot hur institutionen hanterar kursvärderingar.",
        )
        # A block that has waited more than six months for review, and one reviewed recently.
        block_record(
            actor=owner,
            account_id=account.pk,
            visitor="@reklamkonto123",
            action="block",
            reason="f_advertising",
            blocked_at=now - 200 * days,
        )
        recent = block_record(
            actor=owner,
            account_id=account.pk,
            visitor="@troll_stockholm",
            action="mute",
            reason="c_defamation",
            blocked_at=now - 20 * days,
        )
        block_review(actor=owner, block_id=recent.pk)
        consent_record(
            actor=owner,
            account_id=account.pk,
            subject="Deltagare på öppet hus (gruppen informerad)",
            form="group",
            given_on=local_day(now) - 10 * days,
            publication="Bildserie från öppet hus",
            photographer="Linnea Fotograf",
            credit="Foto: Linnea Fotograf",
            photographer_consents=True,
        )
        consent_record(
            actor=owner,
            account_id=account.pk,
            subject="Doktorand Sara Exempel",
            form="oral",
            given_on=local_day(now) - 3 * days,
            publication="Porträtt i inlägg om disputation",
            photographer="Johan Redaktör",
            credit="Foto: Johan Redaktör",
            photographer_consents=True,
        )
        # An open request for public records puts this account's last month on legal hold.
        records_request_log(
            actor=people["comms"],
            received_at=now - 2 * days,
            requester="Journalist, Dagens Medicin",
            asked_for="Borttagna kommentarer och blockeringar på kontot under den senaste månaden.",
            account_ids=[account.pk],
            period_start=local_day(now) - 30 * days,
            period_end=local_day(now),
        )

    def request_flow(self, status, owner, deputy, found, fields, comms):
        """Take a request through the approval services to the wanted state, as people would."""
        account = social_account_draft_create(actor=owner, owner=owner, deputy=deputy, **fields)
        if status == S.DRAFT:
            return account
        request_submit(actor=owner, account_id=account.pk, guidelines_read=True)
        if status == S.RETURNED:
            _decide("manager", account, Outcome.RETURN, "Förtydliga hur kontot ska bevakas under sommaren.")
        elif status == S.REJECTED:
            _decide("manager", account, Outcome.APPROVE)
            _decide("comms", account, Outcome.REJECT, "KI:s centrala konto fyller redan samma behov.")
        elif status != S.AWAITING_MANAGER:
            _decide("manager", account, Outcome.APPROVE)
            if status != S.AWAITING_COMMS:
                decision = _decide("comms", account, Outcome.APPROVE)
                decision_reference_set(actor=comms, decision_id=decision.pk, reference=f"1-{decision.pk:04d}/2026")
        if status in (S.APPROVED, S.ACTIVE) and found:
            social_account_details_change(
                actor=owner,
                account_id=account.pk,
                name=fields["name"],
                url=found.url,
                platform=fields["platform"],
                handle=found.handle,
            )
        if status == S.ACTIVE:
            account.refresh_from_db()
            sender_checklist_confirm(actor=owner, account_id=account.pk, items=sender_checklist_items(account))
            account_go_live(actor=owner, account_id=account.pk)
        return account


def _demo_screenshot(account, label: str = "") -> ContentFile:
    """A small PNG that stands in for a screenshot of the account's start page."""
    image = Image.new("RGB", (640, 400), (79, 4, 51))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 640, 60), fill=(255, 255, 255))
    draw.text((20, 20), f"{account.name} – {account.platform.name}", fill=(0, 0, 0))
    draw.text((20, 100), f"Karolinska Institutet {label}", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="start.png")


def _decide(step, account, outcome, comment=""):
    account.refresh_from_db()
    if step == "manager":
        manager = eligible_managers(account)[0]
        return manager_decide(actor=manager, account_id=account.pk, outcome=outcome, comment=comment)
    comms = get_user_model().objects.get(username="comms")
    return comms_decide(actor=comms, account_id=account.pk, outcome=outcome, comment=comment)


def _platform_from_name(name: str) -> str:
    """Drafts without an address yet: the platform is in the name."""
    lowered = name.lower()
    for slug in ("bluesky", "threads", "snapchat"):
        if slug in lowered:
            return slug
    return "spotify" if "podcast" in lowered else "facebook"
