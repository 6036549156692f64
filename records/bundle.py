"""The disclosure bundle of a request for public records (REC-1): which files it holds, the CSV
tables, the README, the manifest of every file's SHA-256 and the ZIP, and the check of a bundle
against its manifest (verify_manifest).

Nothing here stores or records anything; records.disclosure makes the bundle of a request, keeps
it and records that it was made or downloaded. One function per kind of file, each adding its
files by their name in the ZIP; a stored file that cannot be read is listed as missing in the
README instead.
"""

import csv
import datetime
import hashlib
import io
import json
import logging
import zipfile

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Snapshot, SocialAccount
from audit.models import AuditEvent
from core.formulas import guard_formula
from monitoring.models import CheckIn
from org.calendar import day_start
from records.models import Incident, Inquiry, RecordsRequest
from records.pdf import incident_record_pdf

logger = logging.getLogger(__name__)

MANIFEST = "manifest.csv"
README = "README.txt"
# The ZIP format cannot store times before 1980; a fixed time keeps the same content byte-identical.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

SECRECY_NOTICE = (
    "MARKERAD FÖR SEKRETESSPRÖVNING – får inte lämnas ut innan en sekretessprövning har gjorts (OSL).\n"
    "MARKED FOR SECRECY REVIEW – not to be handed out before a secrecy review (OSL)."
)


def period_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The period [start, end] as moments: from midnight at the start of `start` to midnight after
    `end`, in Stockholm (half-open)."""
    return day_start(start), day_start(end + datetime.timedelta(days=1))


def _cell(value) -> str:
    """A CSV cell. Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return guard_formula(str(value))


def _csv(header: list[str], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def _account_folder(account: SocialAccount) -> str:
    return f"{account.pk}-{slugify(account.name) or 'account'}"


def bundle_scope(request: RecordsRequest) -> dict:
    """The material a request covers: its accounts' screenshots dated in the period, removed posts
    removed in it, questions received in it, check-ins made on its days, and the audit events
    recorded on its accounts in it."""
    accounts = list(request.accounts.select_related("platform", "unit").order_by("pk"))
    start, end = period_bounds(request.period_start, request.period_end)
    in_scope = Q(account__in=accounts)
    return {
        "accounts": accounts,
        "snapshots": Snapshot.objects.filter(
            in_scope, taken_on__gte=request.period_start, taken_on__lte=request.period_end
        )
        .select_related("account")
        .order_by("account_id", "taken_on", "kind", "pk"),
        "incidents": Incident.objects.filter(in_scope, removed_at__gte=start, removed_at__lt=end)
        .select_related("account__platform", "account__unit")
        .prefetch_related("evidence")
        .order_by("removed_at", "pk"),
        "inquiries": Inquiry.objects.filter(in_scope, received_at__gte=start, received_at__lt=end)
        .select_related("account", "routed_to", "answered_by")
        .order_by("received_at", "pk"),
        "checkins": CheckIn.objects.filter(in_scope, day__gte=request.period_start, day__lte=request.period_end)
        .select_related("account")
        .order_by("account_id", "day", "pk"),
        "audit_events": AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(SocialAccount),
            object_id__in=[str(a.pk) for a in accounts],
            created_at__gte=start,
            created_at__lt=end,
        ).order_by("created_at", "pk"),
    }


def _readme(request: RecordsRequest, accounts, made_at: datetime.datetime, missing: list[str]) -> bytes:
    local = timezone.localtime(made_at).strftime("%Y-%m-%d %H:%M")
    names = "\n".join(f"  - {a.name} ({a.platform.name}) {a.url}".rstrip() for a in accounts)
    lines = [
        SECRECY_NOTICE,
        "",
        "Karolinska Institutet – begäran om allmän handling / request for public records",
        f"Ärende / Request: {request.pk}",
        f"Inkom / Received: {timezone.localtime(request.received_at):%Y-%m-%d %H:%M}",
        f"Period: {request.period_start} – {request.period_end}",
        f"Sammanställt / Assembled: {local}",
        "Konton / Accounts:",
        names,
        "",
        "Innehåll / Contents:",
        "  screenshots/    skärmbilder daterade inom perioden / screenshots dated in the period",
        "  removed-posts/  borttagna inlägg (CSV och protokoll i PDF) / removed posts (CSV and PDF records)",
        "  questions/      frågor och kommentarer / questions and comments",
        "  check-ins.csv   bevakningslogg / monitoring check-in log",
        "  audit-events.csv  händelselogg för kontona / audit events of the accounts",
        f"  {MANIFEST}    varje fils SHA-256 och storlek / every file's SHA-256 and size",
        "",
        "Tider anges i svensk tid (Europe/Stockholm). Celler som börjar med = + - @ har fått en inledande apostrof.",
        "Times are Swedish time (Europe/Stockholm). Cells beginning with = + - @ are given a leading apostrophe.",
    ]
    if missing:
        lines += ["", "Filer som saknas i lagringen / Files missing from storage:"]
        lines += [f"  - {name}" for name in missing]
    lines += ["", SECRECY_NOTICE, ""]
    return "\r\n".join(lines).encode("utf-8")


# One function per kind of file: each adds its files to `files` by their name in the ZIP and the
# names of those it could not read to `missing`.


def _add_screenshots(files: dict[str, bytes], missing: list[str], snapshots) -> None:
    """The stored screenshots, one folder per account."""
    for snapshot in snapshots:
        name = (
            f"screenshots/{_account_folder(snapshot.account)}/"
            f"{snapshot.taken_on}_{snapshot.kind}_{snapshot.sha256[:16]}.{snapshot.extension}"
        )
        try:
            with snapshot.file.open("rb") as handle:
                files[name] = handle.read()
        except FileNotFoundError:
            logger.error("Snapshot %s: file %s is missing from storage", snapshot.pk, snapshot.file.name)
            missing.append(name)


def _add_removed_posts(files: dict[str, bytes], missing: list[str], incidents) -> None:
    """The removed posts as one CSV table and one record PDF each (with its screenshots)."""
    incidents = list(incidents)
    files["removed-posts/removed-posts.csv"] = _csv(
        [
            _("Record number"),
            _("Account"),
            _("Seen"),
            _("Removed"),
            _("Link"),
            _("Posted by"),
            _("Category"),
            _("Description"),
            _("Hand-off"),
            _("Handed off"),
            _("Sent to registry"),
            _("Registry reference number"),
            _("Screenshots (SHA-256)"),
            _("Recorded by"),
        ],
        (
            [
                i.pk,
                i.account.name,
                i.seen_at,
                i.removed_at,
                i.link,
                i.get_poster_display(),
                i.get_category_display(),
                i.description,
                i.get_hand_off_display(),
                i.handed_off_at,
                i.registry_email,
                i.registry_reference,
                " ".join(s.sha256 for s in sorted(i.evidence.all(), key=lambda s: (s.kind, s.pk))),
                i.logged_by_repr,
            ]
            for i in incidents
        ),
    )
    for incident in incidents:
        name = f"removed-posts/removed-post-{incident.pk}.pdf"
        try:
            files[name] = incident_record_pdf(incident, language=translation.get_language())
        except FileNotFoundError:
            logger.error("Incident %s: a screenshot is missing from storage", incident.pk)
            missing.append(name)


def _add_questions(files: dict[str, bytes], inquiries) -> None:
    """The questions and comments as one CSV table."""
    files["questions/questions.csv"] = _csv(
        [
            _("Account"),
            _("Received"),
            _("Due"),
            _("Kind"),
            _("Link"),
            _("Summary"),
            _("To be registered"),
            _("Routed to"),
            _("Answered"),
            _("Summary of the reply"),
            _("Answered by"),
        ],
        (
            [
                q.account.name,
                q.received_at,
                q.due_at,
                q.get_kind_display(),
                q.link,
                q.summary,
                _("yes") if q.needs_registration else _("no"),
                q.routed_to or "",
                q.answered_at,
                q.reply_summary,
                q.answered_by or "",
            ]
            for q in inquiries
        ),
    )


def _add_checkins(files: dict[str, bytes], checkins) -> None:
    """The monitoring check-in log as one CSV table."""
    files["check-ins.csv"] = _csv(
        [_("Account"), _("Day"), _("Who"), _("How"), _("Note"), _("Date of the latest post")],
        ([c.account.name, c.day, c.person_repr, c.get_source_display(), c.note, c.latest_post_on] for c in checkins),
    )


def _add_audit_events(files: dict[str, bytes], events) -> None:
    """The accounts' audit events as one CSV table, before and after as JSON."""
    files["audit-events.csv"] = _csv(
        [_("When"), _("Who"), _("Action"), _("Object"), _("Before"), _("After"), _("Note")],
        (
            [
                e.created_at,
                e.actor_repr,
                e.action,
                e.object_repr,
                json.dumps(e.before, ensure_ascii=False, sort_keys=True) if e.before else "",
                json.dumps(e.after, ensure_ascii=False, sort_keys=True) if e.after else "",
                e.note,
            ]
            for e in events
        ),
    )


def bundle_files(request: RecordsRequest, made_at: datetime.datetime) -> tuple[dict[str, bytes], list[str]]:
    """Every file of the bundle by its name in the ZIP (the manifest aside), and the stored files
    that could not be read (listed in the README)."""
    scope = bundle_scope(request)
    files: dict[str, bytes] = {}
    missing: list[str] = []
    _add_screenshots(files, missing, scope["snapshots"])
    _add_removed_posts(files, missing, scope["incidents"])
    _add_questions(files, scope["inquiries"])
    _add_checkins(files, scope["checkins"])
    _add_audit_events(files, scope["audit_events"])
    files[README] = _readme(request, scope["accounts"], made_at, missing)
    return files, missing


def bundle_zip(files: dict[str, bytes]) -> bytes:
    """The files and their manifest as a ZIP, in name order, with fixed times: the same content
    always gives the same bytes."""
    manifest = _csv(
        ["file", "sha256", "size"], ([n, hashlib.sha256(d).hexdigest(), len(d)] for n, d in sorted(files.items()))
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in [*sorted(files.items()), (MANIFEST, manifest)]:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def disclosure_bundle_build(request: RecordsRequest, *, made_at: datetime.datetime, language: str = "sv") -> bytes:
    """The disclosure bundle of a request as ZIP bytes (nothing is stored)."""
    with translation.override(language):
        files, _missing = bundle_files(request, made_at)
    return bundle_zip(files)


def verify_manifest(zip_bytes: bytes) -> list[str]:
    """Recompute every file's SHA-256 and size and compare them with the manifest. Returns the
    problems found; an empty list means the bundle is exactly as it was made."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(zip_bytes))
    except zipfile.BadZipFile:
        return [_("This is not a ZIP file.")]
    with archive:
        names = archive.namelist()
        if MANIFEST not in names:
            return [_("The bundle has no manifest.")]
        try:
            rows = list(csv.DictReader(io.StringIO(archive.read(MANIFEST).decode("utf-8"))))
        except (UnicodeDecodeError, csv.Error, zipfile.BadZipFile) as exc:
            return [_("The manifest cannot be read: %(error)s") % {"error": exc}]
        problems = []
        listed = set()
        for row in rows:
            name = row.get("file") or ""
            if name in listed:
                problems.append(_("%(file)s is listed twice in the manifest.") % {"file": name})
                continue
            listed.add(name)
            if name not in names:
                problems.append(_("%(file)s is listed in the manifest but missing.") % {"file": name})
                continue
            try:
                data = archive.read(name)
            except (zipfile.BadZipFile, OSError) as exc:  # a damaged entry fails its CRC check
                problems.append(_("%(file)s cannot be read: %(error)s") % {"file": name, "error": exc})
                continue
            if hashlib.sha256(data).hexdigest() != (row.get("sha256") or "").lower():
                problems.append(_("%(file)s does not match its SHA-256 in the manifest.") % {"file": name})
            elif str(len(data)) != (row.get("size") or ""):
                problems.append(_("%(file)s does not have the size given in the manifest.") % {"file": name})
        for name in names:
            if name != MANIFEST and name not in listed:
                problems.append(_("%(file)s is not listed in the manifest.") % {"file": name})
        return problems
