import csv
import datetime
import io
import os
import random
import unicodedata
import zipfile
from collections import Counter
from types import SimpleNamespace

import openpyxl
import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import imports
from accounts.choices import AccountStatus, Classification, Origin, Role
from accounts.imports import ImportFileError, RowOutcome, import_apply, parse_table, plan_import
from accounts.models import Assignment, SocialAccount
from accounts.services import social_account_create
from accounts.urlparse import catalogue
from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from notifications.models import Notification
from org import roles
from tests import factories

pytestmark = pytest.mark.django_db

IMPORT = reverse("accounts:import")
CONFIRM = reverse("accounts:import-confirm")
INVENTORY = reverse("accounts:inventory")
HEADER = ["name", "url", "unit", "owner", "deputy", "classification", "purpose", "goal", "target_audiences"]
SWEDISH_HEADER = [
    "Namn",
    "Adress",
    "Enhet",
    "Kontoansvarig",
    "Ersättare",
    "Klassificering",
    "Syfte",
    "Mål",
    "Målgrupper",
]
SWEDISH = "Åsa Äng Östberg åäö é"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Kept import files go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def en_client(client):
    """The test client, asking for English pages so that messages can be compared."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# Building files


def xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_file(rows: list[list], *, delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    """CSV as Excel writes it: CRLF line ends; "utf-8-sig" adds the byte order mark of "CSV UTF-8"."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


FORMATS = {
    "xlsx": lambda rows: ("konton.xlsx", xlsx(rows)),
    "csv-utf8-bom-semicolon": lambda rows: ("konton.csv", csv_file(rows)),
    "csv-utf8-semicolon": lambda rows: ("konton.csv", csv_file(rows, encoding="utf-8")),
    "csv-utf8-bom-comma": lambda rows: ("konton.csv", csv_file(rows, delimiter=",")),
    "csv-utf8-comma": lambda rows: ("konton.csv", csv_file(rows, delimiter=",", encoding="utf-8")),
}


def upload(fmt: str, rows: list[list]) -> SimpleUploadedFile:
    name, data = FORMATS[fmt](rows)
    return SimpleUploadedFile(name, data)


def plan_of(fmt: str, rows: list[list], actor) -> imports.ImportPlan:
    return plan_import(parse_table(upload(fmt, rows)), actor=actor)


def nothing_written(before: tuple) -> bool:
    return state() == before


def state() -> tuple:
    return (
        SocialAccount.objects.count(),
        Assignment.objects.count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
        len(mail.outbox),
    )


@pytest.fixture
def org():
    """Two units with Swedish names, ten people and 25 registered Instagram accounts."""
    neuro = factories.UnitFactory(
        name="Institutionen för klinisk neurovetenskap", name_en="Department of Clinical Neuroscience"
    )
    health = factories.UnitFactory(name=f"Kvinnors och barns hälsa – {SWEDISH}", name_en="")
    people = [
        factories.UserFactory(username=f"person{i}", email=f"Person.{i}@ki.se", first_name="Örjan", last_name="Åkesson")
        for i in range(10)
    ]
    existing = [
        factories.SocialAccountFactory(
            name=f"Befintligt {n}", handle=f"befintlig{n}", url=f"https://instagram.com/befintlig{n}", unit=neuro
        )
        for n in range(25)
    ]
    return SimpleNamespace(neuro=neuro, health=health, people=people, existing=existing)


def row(name, url, unit, owner, deputy, classification="", purpose="Berätta om forskningen.", goal="", audiences=""):
    return [name, url, unit, owner, deputy, classification, purpose, goal, audiences]


URL_PATTERNS = (
    "https://www.instagram.com/kiimport{}/",
    "https://facebook.com/KIImport{}",
    "x.com/kiimport{}",
    "https://www.tiktok.com/@kiimport{}",
)
CLASSIFICATIONS = ("", "officiell", "student_ambassador", "Studentambassadör")


def mixed_rows(org) -> tuple[list[list], dict[int, str]]:
    """500 rows after the header: 400 valid, 50 duplicates (25 of registered accounts, 25 of
    earlier rows) and 50 invalid of six kinds; with the outcome expected for each row number."""
    p = org.people
    unit_names = (org.neuro.name, org.neuro.name_en.upper(), org.health.name, org.health.name.lower())
    invalid = (
        [
            row(f"Fel adress {j}", url, org.neuro.name, p[0].username, p[1].username)
            for j, url in enumerate(
                ["https://example.com/sida", "inte en adress", "https://www.instagram.com/p/ABC123/"] * 3
            )
        ]
        + [
            row(
                f"Okänd enhet {j}",
                f"https://instagram.com/okandenhet{j}",
                "Enheten som inte finns",
                p[0].username,
                p[1].username,
            )
            for j in range(9)
        ]
        + [
            row(
                f"Okänd person {j}",
                f"https://instagram.com/okandperson{j}",
                org.neuro.name,
                "ingen.anvandare",  # neither a user name nor an e-mail address
                p[1].username,
            )
            for j in range(8)
        ]
        + [
            row(f"Samma person {j}", f"https://instagram.com/sammaperson{j}", org.neuro.name, p[2].username, p[2].email)
            for j in range(8)
        ]
        + [
            row(
                f"Utan syfte {j}",
                f"https://instagram.com/utansyfte{j}",
                org.neuro.name,
                p[0].username,
                p[1].username,
                purpose="",
            )
            for j in range(8)
        ]
        + [
            row(
                f"Fel klass {j}",
                f"https://instagram.com/felklass{j}",
                org.neuro.name,
                p[0].username,
                p[1].username,
                "privat",
            )
            for j in range(8)
        ]
    )
    assert len(invalid) == 50
    rows, expected = [HEADER], {}

    def add(cells, outcome):
        rows.append(cells)
        expected[len(rows)] = outcome  # the header is row 1

    slot = 0
    for i in range(400):
        url = URL_PATTERNS[i % 4].format(i)
        owner, deputy = p[i % 10], p[(i + 1) % 10]
        add(
            row(
                f"KI konto {i} – {SWEDISH}",
                url,
                unit_names[i % 4],
                owner.username if i % 2 else owner.email.upper(),
                deputy.email if i % 2 else deputy.username.upper(),
                CLASSIFICATIONS[i % 4],
                purpose=f"Syfte för konto {i}: forskning och utbildning.",
                goal="Fler följare" if i % 3 == 0 else "",
                audiences="Studenter; forskare",
            ),
            RowOutcome.CREATE,
        )
        if i % 4 == 3:  # 100 slots for the other rows, spread through the file
            if slot % 2 == 0:
                add(invalid[slot // 2], RowOutcome.INVALID)
            elif (slot // 2) % 2 == 0:
                n = (slot // 2) // 2
                add(
                    row(
                        f"Dubblett {n}",
                        f"http://www.instagram.com/Befintlig{n}?hl=sv",
                        org.neuro.name,
                        p[0].username,
                        p[1].username,
                    ),
                    RowOutcome.DUPLICATE,
                )
            else:
                # The address of the row just added, written differently.
                add(row(f"Igen {i}", url.upper(), org.neuro.name, p[0].username, p[1].username), RowOutcome.DUPLICATE)
            slot += 1
    assert len(rows) == 501
    return rows, expected


# The 500-row file

BIG_FORMATS = ["xlsx", "csv-utf8-bom-semicolon"]


@pytest.mark.parametrize("fmt", BIG_FORMATS)
def test_dry_run_of_500_mixed_rows_reports_every_row_and_writes_nothing(comms, org, fmt):
    """The dry run gives each of 500 rows its outcome (create, duplicate, invalid) and writes nothing."""
    rows, expected = mixed_rows(org)
    before = state()

    plan = plan_of(fmt, rows, comms)

    assert {r.row: r.outcome for r in plan.rows} == expected
    assert plan.counts == {"create": 400, "duplicate": 50, "invalid": 50}
    assert all(r.messages for r in plan.rows if r.outcome != RowOutcome.CREATE)
    assert nothing_written(before)


@pytest.mark.parametrize("fmt", BIG_FORMATS)
def test_import_of_500_mixed_rows_creates_exactly_the_valid_rows(comms, org, fmt):
    """START-1, RES-2: exactly the 400 valid rows become active imported accounts, with owner, deputy and audit."""
    rows, expected = mixed_rows(org)
    plan = plan_of(fmt, rows, comms)
    registered = set(SocialAccount.objects.values_list("pk", flat=True))
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    created = import_apply(actor=comms, plan=plan)

    new = SocialAccount.objects.exclude(pk__in=registered)
    wanted = {rows[n - 1][0]: rows[n - 1] for n, outcome in expected.items() if outcome == RowOutcome.CREATE}
    assert len(created) == 400
    assert sorted(new.values_list("name", flat=True)) == sorted(wanted)
    assert set(new.values_list("status", "origin")) == {(AccountStatus.ACTIVE, Origin.IMPORT)}
    people = {}
    for a in Assignment.objects.filter(account__in=new, ended_at__isnull=True).select_related("account", "person"):
        people.setdefault(a.account.name, {})[a.role] = a.person
    assert len(people) == 400
    for name, cells in wanted.items():
        owner, deputy = people[name][Role.OWNER], people[name][Role.DEPUTY]
        assert cells[3].lower() in (owner.username, owner.email.lower())
        assert cells[4].lower() in (deputy.username, deputy.email.lower())
    assert Counter(AuditEvent.objects.filter(pk__gt=last_event).values_list("action", flat=True)) == {
        "account.create": 400,
        "assignment.owner": 400,
        "assignment.deputy": 400,
    }
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_imported_rows_keep_their_classification_and_texts(comms, org):
    """The classification (Swedish or English word) and the purpose texts are stored as written."""
    rows = [
        HEADER,
        row(
            "Ambassadör",
            "https://instagram.com/amb",
            org.neuro.name,
            "person0",
            "person1",
            "Studentambassadör",
            goal="Mål",
            audiences="Alla",
        ),
        row("Officiell", "https://instagram.com/off", org.neuro.name, "person0", "person1", "OFFICIAL"),
    ]

    import_apply(actor=comms, plan=plan_of("xlsx", rows, comms))

    amb, off = SocialAccount.objects.get(handle="amb"), SocialAccount.objects.get(handle="off")
    assert (amb.classification, amb.goal, amb.target_audiences) == (Classification.STUDENT_AMBASSADOR, "Mål", "Alla")
    assert off.classification == Classification.OFFICIAL


# Swedish characters, encodings and separators


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("header", [HEADER, SWEDISH_HEADER], ids=["english-header", "swedish-header"])
def test_swedish_characters_survive_in_names_and_unit_names(comms, org, fmt, header):
    """Å Ä Ö å ä ö é survive in names, unit names and texts: XLSX, CSV with or without BOM, ";" or ","."""
    purpose = "Rad ett; med semikolon, och komma\nrad två – åäö"
    rows = [
        header,
        row(f"KI {SWEDISH}", "https://instagram.com/kisvenska", org.health.name, "person0", "person1", purpose=purpose),
    ]

    [account] = import_apply(actor=comms, plan=plan_of(fmt, rows, comms))

    account.refresh_from_db()
    assert account.name == f"KI {SWEDISH}"
    assert account.unit == org.health
    assert account.unit.name == f"Kvinnors och barns hälsa – {SWEDISH}"
    assert account.purpose == purpose


def test_unit_names_written_in_decomposed_unicode_are_recognised(comms, org):
    """A Mac may write "ä" as "a" + combining diaeresis; names are compared in the same normal form."""
    decomposed = unicodedata.normalize("NFD", org.health.name)
    rows = [HEADER, row("KI", "https://instagram.com/nfd", decomposed, "person0", "person1")]

    [planned] = plan_of("csv-utf8-semicolon", rows, comms).rows

    assert (planned.outcome, planned.unit) == (RowOutcome.CREATE, org.health)


def test_tab_separated_and_excel_sep_line_are_read(comms, org):
    """A tab-separated file, and Excel's "sep=;" first line, are read; the header is still row 1."""
    tabbed = SimpleUploadedFile(
        "a.csv",
        csv_file(
            [HEADER, row("Tabb", "https://instagram.com/tabb", org.neuro.name, "person0", "person1")], delimiter="\t"
        ),
    )
    hinted = SimpleUploadedFile(
        "b.csv",
        b"sep=;\r\n"
        + csv_file(
            [HEADER, row("Sep", "https://instagram.com/sep", org.neuro.name, "person0", "person1")], encoding="utf-8"
        ),
    )

    assert [(r["row"], r["name"]) for r in parse_table(tabbed)] == [(2, "Tabb")]
    assert [(r["row"], r["name"]) for r in parse_table(hinted)] == [(2, "Sep")]


def test_blank_rows_are_skipped_and_row_numbers_follow_the_spreadsheet(comms, org):
    """Blank rows are left out; the row numbers are those the user sees (header = row 1)."""
    rows = [
        HEADER,
        [],
        row("Två", "https://instagram.com/tva", org.neuro.name, "person0", "person1"),
        [""] * 9,
        row("Tre", "https://instagram.com/tre", org.neuro.name, "person0", "person1"),
    ]

    plan = plan_of("xlsx", rows, comms)

    assert [(r.row, r.name) for r in plan.rows] == [(3, "Två"), (5, "Tre")]


def test_unknown_columns_are_ignored_and_reported(comms, org):
    """Columns that are not import columns are ignored, and the dry run names them."""
    rows = [
        [*HEADER, "Kommentar"],
        [*row("KI", "https://instagram.com/kom", org.neuro.name, "person0", "person1"), "vet ej"],
    ]

    table = parse_table(upload("xlsx", rows))

    assert table.ignored_columns == ["Kommentar"]
    assert "Kommentar" not in table[0]


# Row-level rules


def outcomes(plan) -> list[tuple[str, list[str]]]:
    return [(r.outcome, r.messages) for r in plan.rows]


def test_an_address_already_registered_is_a_duplicate_naming_the_account(english, comms, org):
    """An address already in the registry is a duplicate, and the message names the registered account."""
    account = org.existing[3]
    rows = [HEADER, row("KI", "https://www.instagram.com/BEFINTLIG3/", "okänd", "", "")]

    assert outcomes(plan_of("xlsx", rows, comms)) == [
        (RowOutcome.DUPLICATE, [f"This account is already registered as “Befintligt 3” (number {account.pk})."])
    ]


def test_the_same_account_twice_in_the_file_makes_the_later_row_a_duplicate(english, comms, org):
    """The same platform and handle twice in the file: the later row is a duplicate of the earlier one."""
    rows = [
        HEADER,
        row("Först", "https://instagram.com/tvagang", org.neuro.name, "person0", "person1"),
        row("Sedan", "http://m.instagram.com/TvaGang?utm_source=x", org.neuro.name, "person0", "person1"),
    ]

    assert outcomes(plan_of("xlsx", rows, comms)) == [
        (RowOutcome.CREATE, []),
        (RowOutcome.DUPLICATE, ["Same account as row 2."]),
    ]


def test_the_deputy_cannot_be_the_owner(english, comms, org):
    """RES-2: owner and deputy must be two people; the same person by user name and e-mail is refused."""
    rows = [HEADER, row("KI", "https://instagram.com/samma", org.neuro.name, "person2", "PERSON.2@KI.SE")]

    assert outcomes(plan_of("xlsx", rows, comms)) == [
        (RowOutcome.INVALID, ["The deputy cannot be the account owner (RES-2)."])
    ]


def test_the_owner_is_required_the_deputy_is_a_warning(english, comms, org):
    """RES-2: a row without owner is refused (naming the column); a row without deputy is
    imported with a warning (issue 13: the real inventory lacks deputies; the sweep reports it)."""
    rows = [
        HEADER,
        row("KI", "https://instagram.com/ingen", org.neuro.name, "", ""),
        row("KI 2", "https://instagram.com/utanersattare", org.neuro.name, "person0", ""),
    ]

    refused, warned = plan_of("xlsx", rows, comms).rows

    assert (refused.outcome, [(n.column, n.message) for n in refused.notes]) == (
        RowOutcome.INVALID,
        [("owner", "The account owner is missing (RES-2).")],
    )
    assert warned.outcome == RowOutcome.CREATE
    assert [(n.column, n.column_label) for n in warned.notes] == [("deputy", "deputy/ersättare")]
    assert "No deputy" in warned.notes[0].message


def test_a_row_without_purpose_is_invalid(english, comms, org):
    """PURP-1: every account needs a purpose; a row with an empty purpose is invalid."""
    rows = [HEADER, row("KI", "https://instagram.com/utan", org.neuro.name, "person0", "person1", purpose="  ")]

    assert outcomes(plan_of("xlsx", rows, comms)) == [
        (RowOutcome.INVALID, ["The purpose is missing; every account needs a clear purpose (PURP-1)."])
    ]


def test_unknown_unit_person_and_classification_are_all_reported(english, comms, org):
    """A row with several problems lists them all, so that the file can be fixed in one go."""
    rows = [HEADER, row("", "https://example.com/sida", "Ingenstans", "ingen", "person1", "privat")]

    [(outcome, messages)] = outcomes(plan_of("xlsx", rows, comms))

    assert outcome == RowOutcome.INVALID
    assert messages == [
        "This is not a profile address on a platform we know.",
        "The account name is missing.",
        "There is no unit called “Ingenstans”.",
        "No active user has the user name or e-mail address “ingen”.",
        "Unknown classification “privat”; write official or student_ambassador.",
    ]


def test_an_inactive_person_cannot_be_appointed(english, comms, org):
    """Someone who has left KI (inactive user) cannot be owner or deputy."""
    factories.UserFactory(username="slutat", is_active=False)
    rows = [HEADER, row("KI", "https://instagram.com/slutat", org.neuro.name, "slutat", "person1")]

    assert outcomes(plan_of("xlsx", rows, comms)) == [
        (RowOutcome.INVALID, ["No active user has the user name or e-mail address “slutat”."])
    ]


def test_a_unit_name_shared_by_two_units_must_be_given_by_number(english, comms, org):
    """Two units with the same name are ambiguous; the unit's number resolves it."""
    twin = factories.UnitFactory(name=org.neuro.name)
    rows = [
        HEADER,
        row("KI 1", "https://instagram.com/tvilling1", org.neuro.name, "person0", "person1"),
        row("KI 2", "https://instagram.com/tvilling2", str(twin.pk), "person0", "person1"),
    ]

    plan = plan_of("xlsx", rows, comms)

    assert plan.rows[0].outcome == RowOutcome.INVALID
    assert "Several units are called" in plan.rows[0].messages[0]
    assert (plan.rows[1].outcome, plan.rows[1].unit) == (RowOutcome.CREATE, twin)


def test_a_name_longer_than_the_model_allows_is_invalid(english, comms, org):
    """The model's own field rules apply in the dry run, so that the import itself cannot fail on them."""
    rows = [HEADER, row("K" * 201, "https://instagram.com/lang", org.neuro.name, "person0", "person1")]

    [(outcome, messages)] = outcomes(plan_of("xlsx", rows, comms))

    assert outcome == RowOutcome.INVALID
    assert messages == ["Account name: Ensure this value has at most 200 characters (it has 201)."]


def test_the_dry_run_costs_the_same_number_of_queries_for_10_and_500_rows(comms, org):
    """The dry run loads units, people, platforms and registered accounts once, whatever the file's size."""
    rows, _expected = mixed_rows(org)
    roles.is_comms(comms)  # the role lookup is cached on the user; keep it out of both counts
    catalogue()  # so is the platform catalogue the addresses are read with (issue 14)
    small_table, large_table = parse_table(upload("xlsx", rows[:11])), parse_table(upload("xlsx", rows))

    with CaptureQueriesContext(connection) as small_queries:
        plan_import(small_table, actor=comms)
    with CaptureQueriesContext(connection) as large_queries:
        plan_import(large_table, actor=comms)

    assert len(large_table) == 500
    assert len(large_queries) == len(small_queries) <= 5


# File-level errors: a clear message and nothing written


def file_error(uploaded) -> str:
    with pytest.raises(ImportFileError) as refused:
        parse_table(uploaded)
    return refused.value.message


def test_missing_columns_are_named_in_one_file_level_error(english, org):
    """A file without the required columns is refused as a whole, naming the missing columns."""
    rows = [["Namn", "Adress", "Enhet", "Anteckning"], ["KI", "https://instagram.com/ki", org.neuro.name, ""]]

    assert file_error(upload("csv-utf8-bom-semicolon", rows)) == (
        "The file lacks these required columns: owner/kontoansvarig, purpose/syfte. "
        "The first row must hold the column names."
    )


def test_a_column_given_twice_is_refused(english):
    """The same column in English and in Swedish is ambiguous and refused."""
    rows = [[*HEADER, "Namn"], row("a", "b", "c", "d", "e")]

    assert file_error(upload("xlsx", rows)) == "The column name/namn appears more than once."


def test_a_file_larger_than_5_mb_is_refused(english):
    """A 50 MB upload is refused by its size, before it is read."""
    assert file_error(SimpleUploadedFile("konton.csv", b"a" * (50 * 1024 * 1024))) == "The file is larger than 5 MB."


def test_more_than_5000_rows_are_refused(english, org):
    """A file with more than 5 000 rows is refused; the limit keeps the dry run fast."""
    rows = [HEADER] + [row(f"KI {i}", f"https://instagram.com/r{i}", "u", "o", "d") for i in range(5001)]

    assert (
        file_error(upload("csv-utf8-semicolon", rows))
        == "The file has more than 5,000 rows. Split it into smaller files."
    )


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _zip_that_is_not_a_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [PNG, random.Random(7).randbytes(4096), _zip_that_is_not_a_workbook()],
    ids=["png", "random-binary", "zip-not-a-workbook"],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(english, data):
    """A PNG, random bytes or a zip that is no workbook, even named .csv or .xlsx, is not a spreadsheet."""
    assert file_error(SimpleUploadedFile("konton.csv", data)) == "The file is not a CSV or XLSX spreadsheet."


def test_a_csv_in_windows_1252_is_refused_with_advice(english):
    """Text in another encoding than UTF-8 is refused with a message that says how to save it."""
    data = csv_file([HEADER, row("Kärnan", "https://instagram.com/k", "Enhet", "a", "b")], encoding="cp1252")

    assert "not UTF-8 encoded" in file_error(SimpleUploadedFile("konton.csv", data))


def test_an_old_xls_file_is_refused_with_advice(english):
    """The old binary .xls format is refused with a message asking for XLSX or CSV."""
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)

    assert "(.xls)" in file_error(SimpleUploadedFile("konton.xls", data))


def test_an_empty_file_and_a_header_without_rows_are_refused(english):
    """An empty file, or one with only the column names, has nothing to import."""
    assert file_error(SimpleUploadedFile("a.csv", b"")) == "The file is empty."
    assert file_error(upload("xlsx", [HEADER])) == "The file has no rows below the column names."


# import_apply


def test_only_comms_may_plan_or_apply_an_import(comms, outsider, auditor, owner, org):
    """Only the communications department may run the dry run or the import; others get NotAllowed."""
    plan = plan_of("xlsx", [HEADER, row("KI", "https://instagram.com/ki", org.neuro.name, "person0", "person1")], comms)
    before = state()

    for actor in (outsider, auditor, owner):
        with pytest.raises(NotAllowed):
            import_apply(actor=actor, plan=plan)
        with pytest.raises(NotAllowed):
            plan_import(parse_table(upload("xlsx", [HEADER, row("a", "b", "c", "d", "e")])), actor=actor)

    assert nothing_written(before)


def test_an_account_registered_after_the_dry_run_makes_the_whole_import_fail(english, comms, org):
    """A row that became a duplicate since the dry run fails the whole import; nothing of the file is written."""
    rows = [
        HEADER,
        row("Ett", "https://instagram.com/ett", org.neuro.name, "person0", "person1"),
        row("Två", "https://instagram.com/tva", org.neuro.name, "person0", "person1"),
    ]
    plan = plan_of("xlsx", rows, comms)
    meanwhile = social_account_create(
        actor=comms,
        owner=org.people[0],
        deputy=org.people[1],
        name="Hann före",
        platform=factories.platform("instagram"),
        handle="tva",
        url="https://instagram.com/tva",
        unit=org.neuro,
        purpose="Syfte",
    )
    before = state()

    with pytest.raises(ApplicationError) as refused:
        import_apply(actor=comms, plan=plan)

    assert refused.value.message == (
        f"Row 3 was registered as “Hann före” (number {meanwhile.pk}) after the dry run. "
        "Nothing was imported; check the file again."
    )
    assert nothing_written(before)


def test_a_plan_with_nothing_to_create_is_refused(english, comms, org):
    """Applying a plan without rows to create is an error, not a silent success."""
    plan = plan_of("xlsx", [HEADER, row("KI", "https://instagram.com/befintlig0", "x", "y", "z")], comms)

    with pytest.raises(ApplicationError):
        import_apply(actor=comms, plan=plan)


# Views


def test_anonymous_users_are_sent_to_the_login_page(client):
    """The import pages need a login; an anonymous upload or confirmation writes nothing."""
    before = state()

    for response, url in ((client.get(IMPORT), IMPORT), (client.post(CONFIRM, {"token": "x"}), CONFIRM)):
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"
    assert nothing_written(before)


@pytest.mark.parametrize("role", ["outsider", "auditor", "owner"])
def test_only_comms_may_use_the_import_pages(client, role, request, org):
    """Staff, auditors and account owners get 403 on the upload and the confirmation, and nothing is written."""
    client.force_login(request.getfixturevalue(role))
    data = upload("xlsx", [HEADER, row("KI", "https://instagram.com/ki", org.neuro.name, "person0", "person1")])
    before = state()

    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"file": data}).status_code == 403
    assert client.post(CONFIRM, {"token": "x"}).status_code == 403
    assert nothing_written(before)


def test_comms_sees_the_upload_form(en_client, comms):
    """The upload page has a labelled file field and documents the columns."""
    en_client.force_login(comms)

    response = en_client.get(IMPORT)

    assert response.status_code == 200
    content = response.content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert '<label class="form-label" for="id_file">' in content
    assert "kontoansvarig" in content


def test_upload_dry_run_confirm_and_import(en_client, comms, org, media):
    """Upload shows the dry run row by row and writes nothing; confirming imports the valid rows."""
    en_client.force_login(comms)
    rows = [
        HEADER,
        row(f"KI {SWEDISH}", "https://instagram.com/flode1", org.health.name, "person0", "person1"),
        row("KI två", "https://facebook.com/flode2", org.neuro.name_en, "person.2@ki.se", "person3"),
        row("Ogiltig", "https://instagram.com/flode3", "Ingenstans", "person0", "person1"),
        row("Dubblett", "https://instagram.com/befintlig1", org.neuro.name, "person0", "person1"),
    ]
    before = state()

    preview = en_client.post(IMPORT, {"file": upload("csv-utf8-bom-semicolon", rows)})

    assert preview.status_code == 200
    assert [t.name for t in preview.templates][0] == "accounts/import_preview.html"
    assert preview.context["counts"] == {"create": 2, "duplicate": 1, "invalid": 1}
    content = preview.content.decode()
    assert f"KI {SWEDISH}" in content
    assert "There is no unit called “Ingenstans”." in content
    assert "Import 2 accounts" in content
    assert nothing_written(before)
    token = preview.context["token"]
    kept = media / "imports" / f"{token}.csv"
    assert kept.is_file()
    assert en_client.session["account_imports"][token]["user"] == comms.pk

    response = en_client.post(CONFIRM, {"token": token}, follow=True)

    assert response.redirect_chain == [(INVENTORY, 302)]
    assert [str(m) for m in response.context["messages"]] == ["2 accounts imported."]
    imported = SocialAccount.objects.filter(origin=Origin.IMPORT)
    assert sorted(imported.values_list("name", flat=True)) == sorted([f"KI {SWEDISH}", "KI två"])
    assert not kept.exists()
    assert token not in en_client.session["account_imports"]
    # The token was used up: confirming again finds nothing.
    assert en_client.post(CONFIRM, {"token": token}).status_code == 404


def test_the_dry_run_page_for_500_rows_runs_a_bounded_number_of_queries(
    client, comms, org, django_assert_max_num_queries
):
    """The dry-run page of a 500-row file needs no query per row (session, user, role, the dry run's
    loads, and the three queue counts comms see in the navigation)."""
    client.force_login(comms)
    rows, _expected = mixed_rows(org)
    data = upload("xlsx", rows)
    catalogue()  # the platform catalogue is read once per process and kept in the cache (issue 14)

    with django_assert_max_num_queries(13):
        response = client.post(IMPORT, {"file": data})

    assert response.context["counts"] == {"create": 400, "duplicate": 50, "invalid": 50}


def test_confirming_a_token_not_in_the_session_is_404(client, comms):
    """A confirmation token that this session did not receive from a dry run is not found."""
    client.force_login(comms)

    assert client.post(CONFIRM, {"token": "0" * 32}).status_code == 404
    assert client.post(CONFIRM).status_code == 404


def test_confirm_is_post_only(client, comms):
    """The confirmation changes data, so it answers only POST."""
    client.force_login(comms)

    assert client.get(CONFIRM).status_code == 405


def test_a_file_error_is_shown_on_the_form_and_nothing_is_kept(en_client, comms, org, media):
    """Wrong columns give the form an error in role="alert"; nothing is written or kept."""
    en_client.force_login(comms)
    before = state()

    response = en_client.post(
        IMPORT, {"file": upload("xlsx", [["Namn", "Adress"], ["KI", "https://instagram.com/ki"]])}
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert 'role="alert"' in content
    assert "The file lacks these required columns" in content
    assert nothing_written(before)
    assert not (media / "imports").exists()


def test_a_50_mb_upload_is_refused_on_the_form(en_client, comms):
    """A 50 MB upload through the page is refused with the size message and writes nothing."""
    en_client.force_login(comms)
    before = state()

    response = en_client.post(IMPORT, {"file": SimpleUploadedFile("stor.csv", b"a" * (50 * 1024 * 1024))})

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["The file is larger than 5 MB."]}
    assert nothing_written(before)


def test_a_png_named_csv_is_refused_on_the_form(en_client, comms):
    """A PNG named .csv is refused as not a spreadsheet."""
    en_client.force_login(comms)

    response = en_client.post(IMPORT, {"file": SimpleUploadedFile("bild.csv", PNG)})

    assert response.context["form"].errors == {"file": ["The file is not a CSV or XLSX spreadsheet."]}


def test_a_dry_run_without_rows_to_create_offers_no_confirmation(en_client, comms, org, media):
    """When no row can be created, the dry run shows why and keeps no file."""
    en_client.force_login(comms)

    response = en_client.post(
        IMPORT, {"file": upload("xlsx", [HEADER, row("KI", "https://instagram.com/befintlig0", "x", "y", "z")])}
    )

    assert response.context["token"] is None
    assert CONFIRM not in response.content.decode()
    assert not (media / "imports").exists()


def test_confirming_after_the_registry_changed_writes_nothing_and_shows_the_new_dry_run(en_client, comms, org):
    """If a row became a duplicate since the dry run, the confirmation imports nothing and shows the new dry run."""
    en_client.force_login(comms)
    rows = [
        HEADER,
        row("Ett", "https://instagram.com/andrat1", org.neuro.name, "person0", "person1"),
        row("Två", "https://instagram.com/andrat2", org.neuro.name, "person0", "person1"),
    ]
    token = en_client.post(IMPORT, {"file": upload("xlsx", rows)}).context["token"]
    factories.SocialAccountFactory(handle="andrat2", url="https://instagram.com/andrat2", unit=org.neuro)
    before = state()

    response = en_client.post(CONFIRM, {"token": token})

    assert response.status_code == 200
    assert "The registry has changed since the dry run" in response.content.decode()
    assert response.context["counts"] == {"create": 1, "duplicate": 1, "invalid": 0}
    assert nothing_written(before)
    # The new dry run can be confirmed.
    assert en_client.post(CONFIRM, {"token": token}).status_code == 302
    assert SocialAccount.objects.filter(origin=Origin.IMPORT).count() == 1


def test_another_users_token_is_404(client, comms, org):
    """A token kept for one comms user cannot be confirmed by another comms user's session."""
    client.force_login(comms)
    rows = [HEADER, row("KI", "https://instagram.com/annan", org.neuro.name, "person0", "person1")]
    token = client.post(IMPORT, {"file": upload("xlsx", rows)}).context["token"]
    session = client.session
    session["account_imports"][token]["user"] = comms.pk + 1000  # as if another user had stored it
    session.save()

    assert client.post(CONFIRM, {"token": token}).status_code == 404
    assert not SocialAccount.objects.filter(origin=Origin.IMPORT).exists()


@pytest.mark.parametrize("stored", ["snapshots/1/a.png", "imports/../snapshots/a.png", "/etc/passwd", ""])
def test_a_session_entry_naming_a_file_outside_imports_is_404(client, comms, org, stored):
    """The confirmation reads only a name import_file_store gave (imports/<token>.<kind>), whatever the session says."""
    client.force_login(comms)
    rows = [HEADER, row("KI", "https://instagram.com/utanfor", org.neuro.name, "person0", "person1")]
    token = client.post(IMPORT, {"file": upload("xlsx", rows)}).context["token"]
    session = client.session
    session["account_imports"][token]["file"] = stored
    session.save()

    assert client.post(CONFIRM, {"token": token}).status_code == 404
    assert not SocialAccount.objects.filter(origin=Origin.IMPORT).exists()


def test_the_kept_file_is_stored_through_the_default_storage(comms, media):
    """Kept files go through default_storage under imports/, named by the token, like exports."""
    token, stored = imports.import_file_store(ContentFile(b"name;url", name="list.csv"), kind="csv")

    assert stored == f"imports/{token}.csv"
    assert len(token) == 32
    assert default_storage.exists(stored)
    assert imports.import_file_name_ok(stored)
    with imports.import_file_open(stored) as kept:
        assert kept.read() == b"name;url"
    imports.import_file_delete(stored)
    assert not default_storage.exists(stored)


def test_when_every_row_became_a_duplicate_the_new_dry_run_offers_no_confirmation(en_client, comms, org, media):
    """If nothing is left to create after the registry changed, no confirmation is offered and the file is deleted."""
    en_client.force_login(comms)
    rows = [HEADER, row("Ett", "https://instagram.com/sist", org.neuro.name, "person0", "person1")]
    token = en_client.post(IMPORT, {"file": upload("xlsx", rows)}).context["token"]
    factories.SocialAccountFactory(handle="sist", url="https://instagram.com/sist", unit=org.neuro)

    response = en_client.post(CONFIRM, {"token": token})

    assert response.context["token"] is None
    assert not (media / "imports" / f"{token}.xlsx").exists()
    assert token not in en_client.session["account_imports"]


def test_a_kept_file_that_is_gone_asks_for_a_new_upload(en_client, comms, org, media):
    """If the kept file has disappeared (purged), the confirmation asks for a new upload and writes nothing."""
    en_client.force_login(comms)
    rows = [HEADER, row("Ett", "https://instagram.com/borta", org.neuro.name, "person0", "person1")]
    token = en_client.post(IMPORT, {"file": upload("xlsx", rows)}).context["token"]
    (media / "imports" / f"{token}.xlsx").unlink()
    before = state()

    response = en_client.post(CONFIRM, {"token": token}, follow=True)

    assert response.redirect_chain == [(IMPORT, 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "The uploaded file is no longer available. Upload it again."
    ]
    assert nothing_written(before)


def test_files_never_confirmed_are_purged_after_the_session_age(comms, media):
    """Kept files hold personal data; those older than the maximum age are deleted, newer ones kept."""
    folder = media / "imports"
    folder.mkdir(parents=True)
    old, new = folder / "old.csv", folder / "new.csv"
    old.write_text("x")
    new.write_text("x")
    now = timezone.now()
    two_days_ago = (now - datetime.timedelta(days=2)).timestamp()
    os.utime(old, (two_days_ago, two_days_ago))

    assert imports.import_files_purge(now=now, max_age=datetime.timedelta(days=1)) == 1
    assert (old.exists(), new.exists()) == (False, True)
