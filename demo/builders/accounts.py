"""Demo accounts (accounts): the list of about forty accounts in many states, those the
communications department registered directly, their history and their start-page screenshots,
through accounts' services. Requests go through approvals (demo.builders.approvals)."""

import datetime
import io
from typing import NamedTuple

from django.core.files.base import ContentFile
from django.db.models import Q
from PIL import Image, ImageDraw

from accounts.choices import AccountStatus, Classification, Role, SnapshotKind
from accounts.models import Assignment, Platform, SocialAccount
from accounts.services import social_account_create
from accounts.snapshots import snapshot_upload
from accounts.urlparse import recognise
from watching.demo_fixtures import CAPTURED

S = AccountStatus

PURPOSE = (
    "Sprida kunskap om {topic} till {audience} och stärka KI:s roll som ett medicinskt universitet "
    "i enlighet med KI:s strategi 2030."
)


class DemoAccount(NamedTuple):
    name: str
    url: str
    unit: str
    status: str
    owner: str | None
    deputy: str | None
    classification: str | None
    topic: str
    audience: str


A = DemoAccount

# fmt: off
ACCOUNTS = [
    A("Karolinska Institutet", "https://www.facebook.com/karolinskainstitutet", "Kommunikationsavdelningen",
      S.ACTIVE, "editor1", "editor2", None, "KI:s forskning och utbildning", "allmänheten"),
    A("Karolinska Institutet", "https://www.instagram.com/karolinskainstitutet/", "Kommunikationsavdelningen",
      S.ACTIVE, "editor2", "editor1", None, "livet på KI", "studenter och allmänheten"),
    A("Karolinska Institutet", "https://www.linkedin.com/school/karolinska-institutet/", "Kommunikationsavdelningen",
      S.ACTIVE, "editor1", "editor3", None, "KI som arbetsgivare", "yrkesverksamma"),
    A("Karolinska Institutet", "https://x.com/karolinskainst", "Kommunikationsavdelningen",
      S.ACTIVE, "editor3", "editor1", None, "forskningsnyheter", "journalister"),
    A("Karolinska Institutet", "https://www.youtube.com/@karolinskainstitutet", "Kommunikationsavdelningen",
      S.ACTIVE, "editor2", "editor4", None, "föreläsningar och filmer", "allmänheten"),
    A("Karolinska Institutet", "https://bsky.app/profile/ki.se", "Kommunikationsavdelningen",
      S.ACTIVE, "editor3", "editor2", None, "forskningsnyheter", "forskare"),
    A("Karolinska Institutet", "https://www.tiktok.com/@karolinskainstitutet", "Kommunikationsavdelningen",
      S.AWAITING_COMMS, "editor4", "editor2", None, "studentlivet", "blivande studenter"),
    A("Karolinska Institutet", "https://www.threads.net/@karolinskainstitutet", "Kommunikationsavdelningen",
      S.DECOMMISSIONING, "editor2", "editor3", None, "KI i vardagen", "allmänheten"),
    A("KI Flickr", "https://www.flickr.com/photos/karolinskainstitutet", "Kommunikationsavdelningen",
      S.DECOMMISSIONED, "editor4", "editor1", None, "pressbilder", "journalister"),
    A("KI Vimeo", "https://vimeo.com/karolinskainstitutet", "Kommunikationsavdelningen",
      S.ACTIVE, "editor4", "editor2", None, "filmer", "allmänheten"),
    A("Studera vid KI", "https://www.instagram.com/studyatki", "Studentavdelningen",
      S.ACTIVE, "editor3", "editor4", None, "utbildningar", "blivande studenter"),
    A("Study at KI", "https://www.facebook.com/studyatki", "Studentavdelningen",
      S.ACTIVE, "editor3", "editor1", None, "utbildningar", "internationella studenter"),
    A("KI Student Ambassadors", "https://www.instagram.com/kistudentambassadors", "Studentavdelningen",
      S.ACTIVE, "editor4", "editor3", Classification.STUDENT_AMBASSADOR, "studentlivet", "blivande studenter"),
    A("KI Student Life", "https://www.tiktok.com/@kistudentlife", "Studentavdelningen",
      S.ACTIVE, "editor3", "editor4", Classification.STUDENT_AMBASSADOR, "studentlivet", "blivande studenter"),
    A("Institutionen för medicin, Solna", "https://www.facebook.com/medsolna", "Institutionen för medicin, Solna",
      S.ACTIVE, "owner", "deputy", None, "institutionens forskning", "allmänheten"),
    A("MedS Solna", "https://www.linkedin.com/company/meds-solna", "Institutionen för medicin, Solna",
      S.ACTIVE, "owner", "deputy", None, "institutionens forskning", "forskare"),
    A("MedS Solna", "https://x.com/medsolna", "Institutionen för medicin, Solna",
      S.ACTIVE, "deputy", "owner", None, "forskningsnyheter", "forskare"),
    A("MedS Solna", "https://www.instagram.com/medsolna", "Institutionen för medicin, Solna",
      S.APPROVED, "owner", "deputy", None, "forskarvardag", "studenter"),
    A("MedS Solna podcast", "https://open.spotify.com/show/4rOoJ6Egrf8K2IrywzwOMk", "Institutionen för medicin, Solna",
      S.AWAITING_MANAGER, "owner", "deputy", None, "samtal om medicin", "allmänheten"),
    A("MedS Solna Bluesky", "", "Institutionen för medicin, Solna",
      S.DRAFT, "owner", "deputy", None, "forskningsnyheter", "forskare"),
    A("MedS Solna Threads", "", "Institutionen för medicin, Solna",
      S.RETURNED, "owner", "deputy", None, "forskarvardag", "allmänheten"),
    A("MedS Snapchat", "", "Institutionen för medicin, Solna",
      S.REJECTED, "owner", "deputy", None, "studentlivet", "gymnasieelever"),
    A("KI Kardiologi", "https://www.facebook.com/kikardiologi", "Avdelningen för kardiologi",
      S.ACTIVE, "owner", "editor1", None, "hjärtforskning", "patienter och anhöriga"),
    A("KI Cardiology", "https://x.com/kicardiology", "Avdelningen för kardiologi",
      S.ACTIVE, "deputy", "owner", None, "hjärtforskning", "forskare"),
    A("Heart Failure Lab", "https://bsky.app/profile/heartfailurelab.bsky.social", "Forskargruppen för hjärtsvikt",
      S.ACTIVE, "owner", "deputy", None, "hjärtsviktsforskning", "forskare"),
    A("Heart Failure Lab", "https://github.com/heartfailurelab", "Forskargruppen för hjärtsvikt",
      S.ACTIVE, "deputy", "owner", None, "öppen forskningskod", "forskare"),
    A("Klinisk epidemiologi", "https://www.linkedin.com/company/ki-clinical-epidemiology",
      "Avdelningen för klinisk epidemiologi",
      S.ACTIVE, "editor1", "deputy", None, "registerforskning", "forskare"),
    A("Klinisk epidemiologi", "https://www.youtube.com/@kiklinepi", "Avdelningen för klinisk epidemiologi",
      S.AWAITING_COMMS, "editor1", "owner", None, "metodföreläsningar", "doktorander"),
    A("Neuroscience at KI", "https://www.facebook.com/neuroscienceki", "Institutionen för neurovetenskap",
      S.ACTIVE, "editor3", "editor4", None, "hjärnforskning", "allmänheten"),
    A("Neuroscience at KI", "https://x.com/neuroscienceki", "Institutionen för neurovetenskap",
      S.ACTIVE, "editor3", "editor2", None, "hjärnforskning", "forskare"),
    A("Neuroscience at KI", "https://www.instagram.com/neuroscienceki", "Institutionen för neurovetenskap",
      S.DECOMMISSIONED, "editor4", "editor3", None, "hjärnforskning", "studenter"),
    A("Hjärnans dag", "https://www.youtube.com/@hjarnansdag", "Institutionen för neurovetenskap",
      S.ACTIVE, "editor4", "editor3", None, "hjärnan", "skolelever"),
    A("Neuro podcast", "", "Institutionen för neurovetenskap",
      S.AWAITING_MANAGER, "editor3", "editor4", None, "hjärnforskning", "allmänheten"),
    A("LIME", "https://www.linkedin.com/company/lime-ki", "Institutionen för lärande, informatik, management och etik",
      S.ACTIVE, "editor2", "editor1", None, "hälso- och sjukvårdens organisation", "yrkesverksamma"),
    A("LIME", "https://www.facebook.com/limeki", "Institutionen för lärande, informatik, management och etik",
      S.DECOMMISSIONING, "editor2", "editor4", None, "utbildning", "studenter"),
    A("Medical Management Centre", "https://x.com/mmc_ki", "Institutionen för lärande, informatik, management och etik",
      S.ACTIVE, "editor1", "editor2", None, "ledarskap i vården", "chefer i vården"),
    A("Centrum för hälsokriser", "https://www.linkedin.com/company/ki-health-crises", "Centrum för hälsokriser",
      S.ACTIVE, "editor3", "editor1", None, "beredskap och hälsokriser", "beslutsfattare"),
    A("Centre for Health Crises", "https://x.com/kihealthcrises", "Centrum för hälsokriser",
      S.ACTIVE, "editor3", "editor2", None, "beredskap och hälsokriser", "journalister"),
    A("Centre for Health Crises", "https://mastodon.social/@kihealthcrises", "Centrum för hälsokriser",
      S.APPROVED, "editor3", "editor1", None, "beredskap", "forskare"),
    A("Hälsokriser podd", "https://soundcloud.com/kihealthcrises", "Centrum för hälsokriser",
      S.REJECTED, "editor1", "editor3", None, "beredskap", "allmänheten"),
    # Accounts whose deputy or owner has left (RES-2 findings).
    A("CIMED", "https://x.com/cimed_ki", "Centrum för innovativ medicin",
      S.ACTIVE, "editor2", None, None, "innovativ medicin", "forskare"),
    A("CIMED", "https://www.linkedin.com/company/cimed-ki", "Centrum för innovativ medicin",
      S.ACTIVE, None, "editor4", None, "innovativ medicin", "näringslivet"),
]
# fmt: on

# Units whose active accounts went through the portal's request flow; elsewhere they were
# registered by the communications department and await a retroactive approval.
REQUESTED_UNITS = {"Institutionen för medicin, Solna", "Centrum för hälsokriser"}

LIVE = (S.ACTIVE, S.DECOMMISSIONING, S.DECOMMISSIONED)


class NewAccount(NamedTuple):
    """A demo account not in the registry yet: what its creation needs."""

    spec: DemoAccount
    found: object  # accounts.urlparse's recognised address, or None for requests without one
    fields: dict

    @property
    def registered_directly(self) -> bool:
        """Live accounts outside REQUESTED_UNITS were registered by the communications department."""
        return self.spec.status in LIVE and self.spec.unit not in REQUESTED_UNITS


def new_account(spec: DemoAccount, units: dict, platforms: dict) -> NewAccount | None:
    """The account's creation fields, or None when it exists already."""
    found = recognise(spec.url) if spec.url else None
    platform = platforms[found.platform] if found else platforms[_platform_from_name(spec.name)]
    # Requests get their address only once approved: find them by name and unit too.
    same = Q(name=spec.name, unit=units[spec.unit]) | (Q(handle=found.handle) if found else Q(pk__in=[]))
    if SocialAccount.objects.filter(same, platform=platform).exists():
        return None
    topic, audience = spec.topic, spec.audience
    fields = dict(  # noqa: C408 - reads like the form it stands for
        name=spec.name,
        platform=platform,
        unit=units[spec.unit],
        classification=spec.classification or Classification.OFFICIAL,
        purpose=PURPOSE.format(topic=topic, audience=audience),
        goal=f"Nå ut till {audience} med regelbundna inlägg om {topic}; öka räckvidden med 10 % per år.",
        operational_benefit=f"Verksamheten når {audience} direkt och får återkoppling.",
        audience_benefit=f"{audience.capitalize()} får aktuell och faktagranskad information om {topic}.",
        target_audiences=audience.capitalize(),
        success_measures="Räckvidd, engagemang och antal besvarade frågor, följs upp årligen.",
        resource_assessment="Kontoansvarig och ersättare avsätter tid varje dag; bedömd med prefekt.",
        hours_per_week=4,
        holiday_cover="Ersättaren bevakar under kontoansvariges semester; helger delas enligt schema.",
        ki_activity=f"Kommunikation om {topic}",  # PURP-4
        core_values_confirmed=True,
    )
    return NewAccount(spec, found, fields)


def platforms() -> dict:
    return {p.slug: p for p in Platform.objects.all()}


def build_registered(new: NewAccount, people: dict, actor) -> SocialAccount:
    """An account the communications department entered in the registry directly (active at once)."""
    return social_account_create(
        actor=actor,
        owner=people.get(new.spec.owner),
        deputy=people.get(new.spec.deputy),
        handle=new.found.handle,
        url=new.found.url,
        **new.fields,
    )


def backdate_history(active: list[SocialAccount], now: datetime.datetime) -> None:
    """Old activation dates (history, not a state change: the lifecycle has already run)."""
    for i, account in enumerate(active):
        activated = now - datetime.timedelta(days=200 + 37 * i)
        SocialAccount.objects.filter(pk=account.pk).update(activated_at=activated)
        # Its first owner and deputy have held the role since then (history too), so that the
        # compliance report's "days without deputy" counts only real gaps.
        for role in (Role.OWNER, Role.DEPUTY):
            first = Assignment.objects.filter(account=account, role=role).order_by("started_at", "pk").first()
            if first is not None:
                Assignment.objects.filter(pk=first.pk).update(started_at=activated)


def build_screenshots(active: list[SocialAccount], comms, today: datetime.date) -> None:
    """A start-page screenshot three months ago on every fourth account (REC-5); the others are
    overdue, and so is the account whose start page the demo captures (watching.demo_fixtures)."""
    for i, account in enumerate(active):
        if i % 4 == 0 and account.url != CAPTURED:
            snapshot_upload(
                actor=comms,
                account_id=account.pk,
                kind=SnapshotKind.START_PAGE,
                taken_on=today - datetime.timedelta(days=90),
                uploaded_file=demo_screenshot(account),
            )


def demo_screenshot(account, label: str = "") -> ContentFile:
    """A small PNG that stands in for a screenshot of the account's start page."""
    image = Image.new("RGB", (640, 400), (79, 4, 51))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 640, 60), fill=(255, 255, 255))
    draw.text((20, 20), f"{account.name} – {account.platform.name}", fill=(0, 0, 0))
    draw.text((20, 100), f"Karolinska Institutet {label}", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="start.png")


def _platform_from_name(name: str) -> str:
    """Drafts without an address yet: the platform is in the name."""
    lowered = name.lower()
    for slug in ("bluesky", "threads", "snapchat"):
        if slug in lowered:
            return slug
    return "spotify" if "podcast" in lowered else "facebook"
