"""The API's permission matrix: a token sees what its user sees in the portal and may do what the
user may do there (DESIGN.md, who sees what). Invisible objects are 404, visible but forbidden 403."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.choices import AccountStatus, Classification
from accounts.models import Snapshot
from audit.models import AuditEvent
from monitoring.choices import CheckInSource
from monitoring.models import CheckIn
from tests import factories
from tests.api.conftest import png

pytestmark = pytest.mark.django_db

ACCOUNTS = reverse("api:account-list")
FINDINGS = reverse("api:finding-list")
CHECKINS = reverse("api:checkin-list")
UNITS = reverse("api:unit-list")


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def account_url(account) -> str:
    return reverse("api:account-detail", args=[account.pk])


def snapshots_url(account) -> str:
    return reverse("api:account-snapshots", args=[account.pk])


def upload(content: bytes, name: str = "start.png"):
    return {
        "kind": "start_page",
        "taken_on": timezone.localdate().isoformat(),
        "file": SimpleUploadedFile(name, content, content_type="image/png"),
    }


@pytest.fixture
def world(owner):
    """The owner's own active account and draft, someone else's public account, someone else's
    draft and a student-ambassador account, each with an open finding."""
    accounts = {
        "mine": factories.staffed_account(owner=owner, name="Mine"),
        "my_draft": factories.staffed_account(owner=owner, status=AccountStatus.DRAFT, name="My draft"),
        "public": factories.staffed_account(name="Public"),
        "hidden_draft": factories.staffed_account(status=AccountStatus.DRAFT, name="Hidden draft"),
        "ambassador": factories.staffed_account(classification=Classification.STUDENT_AMBASSADOR, name="Ambassador"),
    }
    accounts["findings"] = {key: factories.FindingFactory(account=a) for key, a in accounts.items()}
    return accounts


def inventory_ids(client, user) -> set[int]:
    client.force_login(user)
    return {a.pk for a in client.get(reverse("accounts:inventory")).context["accounts"]}


@pytest.mark.parametrize("url", [ACCOUNTS, FINDINGS, CHECKINS, UNITS])
def test_every_endpoint_is_401_without_credentials(url, client):
    assert client.get(url).status_code == 401


def test_an_owners_token_lists_exactly_the_accounts_the_inventory_shows_them(world, owner, client, token_client):
    """RES-2: the owner sees their own accounts and draft, and the public ones; nothing else."""
    listed = ids(token_client(owner).get(ACCOUNTS))

    assert listed == {world["mine"].pk, world["my_draft"].pk, world["public"].pk}
    assert listed == inventory_ids(client, owner)


def test_an_owners_token_gets_404_for_an_account_it_may_not_see(world, owner, token_client):
    api = token_client(owner)

    assert api.get(account_url(world["hidden_draft"])).status_code == 404
    assert api.get(account_url(world["ambassador"])).status_code == 404
    assert api.get(account_url(world["mine"])).status_code == 200


def test_an_owners_token_sees_only_the_findings_of_accounts_it_sees(world, owner, token_client):
    api = token_client(owner)
    findings = world["findings"]

    assert ids(api.get(FINDINGS)) == {findings[k].pk for k in ("mine", "my_draft", "public")}
    hidden = reverse("api:finding-detail", args=[findings["hidden_draft"].pk])
    assert api.get(hidden).status_code == 404


@pytest.mark.parametrize("who", ["auditor", "comms"])
def test_auditors_and_comms_see_every_account_and_finding(who, request, world, token_client):
    api = token_client(request.getfixturevalue(who))

    assert len(ids(api.get(ACCOUNTS))) == 5
    assert len(ids(api.get(FINDINGS))) == 5


def test_the_account_shows_its_current_owner_and_deputy(world, owner, token_client):
    body = token_client(owner).get(account_url(world["mine"])).json()

    assert body["owner"] == {"id": owner.pk, "name": str(owner)}
    assert body["deputy"]["id"] != owner.pk


def test_units_are_visible_to_every_user(world, outsider, token_client):
    listed = ids(token_client(outsider).get(UNITS, {"page_size": 100}))

    assert {world[k].unit_id for k in ("mine", "hidden_draft", "ambassador")} <= listed


# --- check-ins (MON-1) ---------------------------------------------------------------------------


def test_an_owners_check_in_is_201_then_200(world, owner, token_client):
    """MON-1: one check-in per account and day; the second answers 200 and writes nothing."""
    api = token_client(owner)

    first = api.post(CHECKINS, {"account": world["mine"].pk, "note": "all fine"}, content_type="application/json")
    second = api.post(CHECKINS, {"account": world["mine"].pk}, content_type="application/json")

    assert (first.status_code, first.json()["created"]) == (201, True)
    assert (second.status_code, second.json()["created"]) == (200, False)
    checkin = CheckIn.objects.get()
    assert (checkin.person, checkin.source, checkin.note) == (owner, CheckInSource.API, "all fine")


def test_an_auditors_token_cannot_check_in(world, auditor, token_client):
    """MON-1, RES-2: auditors read everything and write nothing: 403, no row."""
    response = token_client(auditor).post(CHECKINS, {"account": world["mine"].pk}, content_type="application/json")

    assert response.status_code == 403
    assert CheckIn.objects.count() == 0


def test_checking_in_an_invisible_account_is_404(world, owner, token_client):
    response = token_client(owner).post(
        CHECKINS, {"account": world["hidden_draft"].pk}, content_type="application/json"
    )

    assert response.status_code == 404
    assert CheckIn.objects.count() == 0


def test_checking_in_a_draft_one_keeps_is_409(world, owner, token_client):
    """MON-1: only active accounts are monitored."""
    response = token_client(owner, "en").post(
        CHECKINS, {"account": world["my_draft"].pk}, content_type="application/json"
    )

    assert response.status_code == 409
    assert response.json() == {"detail": "Only active accounts are monitored."}


def test_a_latest_post_in_the_future_is_400_with_a_message(world, owner, token_client):
    tomorrow = (timezone.localdate() + timezone.timedelta(days=2)).isoformat()

    response = token_client(owner, "en").post(
        CHECKINS, {"account": world["mine"].pk, "latest_post_on": tomorrow}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"latest_post_on": ["The date of the latest post cannot be in the future."]}
    assert CheckIn.objects.count() == 0


def test_the_check_in_list_shows_only_visible_accounts(world, owner, token_client):
    factories.CheckInFactory(account=world["mine"])
    factories.CheckInFactory(account=world["hidden_draft"])

    rows = token_client(owner).get(CHECKINS).json()["results"]

    assert [row["account"] for row in rows] == [world["mine"].pk]


# --- screenshots (REC-5) -------------------------------------------------------------------------


def stored_files() -> set[Path]:
    # The media folder lives for the whole session, so tests compare it before and after.
    folder = Path(settings.MEDIA_ROOT) / "snapshots"
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def test_an_owner_uploads_a_screenshot(world, owner, token_client):
    """REC-5: the start-page screenshot, checked and stored with its SHA-256 and an audit event."""
    account = world["mine"]
    before = stored_files()

    response = token_client(owner).post(snapshots_url(account), upload(png()))

    assert response.status_code == 201, response.content
    snapshot = Snapshot.objects.get()
    assert (snapshot.account, snapshot.uploaded_by, response.json()["sha256"]) == (account, owner, snapshot.sha256)
    assert AuditEvent.objects.filter(action="snapshot.upload").count() == 1
    assert len(stored_files() - before) == 1


def test_a_hostile_upload_is_400_and_nothing_is_stored(world, owner, token_client):
    """REC-5: HTML named .png is refused by content, with the upload form's message."""
    account = world["mine"]
    before = stored_files()

    response = token_client(owner, "en").post(
        snapshots_url(account), upload(b"<html><script>alert(1)</script></html>", name="start.png")
    )

    assert response.status_code == 400
    assert response.json() == {"file": ["Upload a PNG, JPEG or WebP image, or a PDF."]}
    assert Snapshot.objects.count() == 0
    assert stored_files() == before
    assert not AuditEvent.objects.filter(action="snapshot.upload").exists()


def test_an_auditors_token_cannot_upload(world, auditor, token_client):
    response = token_client(auditor).post(snapshots_url(world["mine"]), upload(png()))

    assert response.status_code == 403
    assert Snapshot.objects.count() == 0


def test_screenshots_of_a_public_account_are_404_to_other_staff(world, outsider, token_client):
    """Evidence is never public: as on the screenshots page, the account's evidence is 404."""
    response = token_client(outsider).post(snapshots_url(world["public"]), upload(png()))

    assert response.status_code == 404
    assert Snapshot.objects.count() == 0


def test_uploading_the_same_screenshot_twice_is_409(world, owner, token_client):
    api = token_client(owner)
    content = png()

    api.post(snapshots_url(world["mine"]), upload(content))
    second = api.post(snapshots_url(world["mine"]), upload(content))

    assert second.status_code == 409
    assert Snapshot.objects.count() == 1
