from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import AccountStatus, Classification, Role
from accounts.models import Assignment, SocialAccount
from accounts.services import social_account_create, social_account_update
from audit.models import AuditEvent
from core.pagination import PAGE_SIZE
from tests import factories

pytestmark = pytest.mark.django_db

S = AccountStatus
INVENTORY = reverse("accounts:inventory")
MINE = reverse("accounts:mine")
CREATE = reverse("accounts:create")


def detail(account) -> str:
    return reverse("accounts:detail", args=[account.pk])


def edit(account) -> str:
    return reverse("accounts:update", args=[account.pk])


def listed(client, url: str = INVENTORY, **params) -> set[int]:
    """The primary keys of the accounts on the page."""
    response = client.get(url, params)
    assert response.status_code == 200
    return {a.pk for a in response.context["accounts"]}


def every_kind_of_account(**kwargs) -> dict[str, SocialAccount]:
    """One account in each lifecycle status, plus an active student ambassador account."""
    accounts = {status: factories.SocialAccountFactory(status=status, **kwargs) for status in S.values}
    accounts["student_ambassador"] = factories.SocialAccountFactory(
        status=S.ACTIVE, classification=Classification.STUDENT_AMBASSADOR, **kwargs
    )
    return accounts


@pytest.fixture
def org():
    """University → department (with a manager) → division → group, and a sibling department."""
    manager = factories.UserFactory(username="manager")
    top = factories.UnitFactory(name="Universitetet")
    department = factories.UnitFactory(parent=top, name="Institutionen", manager=manager)
    division = factories.UnitFactory(parent=department, name="Avdelningen")
    group = factories.UnitFactory(parent=division, name="Forskargruppen")
    sibling = factories.UnitFactory(parent=top, name="Grannen", manager=factories.UserFactory())
    return SimpleNamespace(
        manager=manager, top=top, department=department, division=division, group=group, sibling=sibling
    )


@pytest.fixture
def form_data(org):
    """A valid registration for the create and edit pages."""
    return {
        "name": "KI Kardiologi",
        "url": "https://www.facebook.com/KIKardiologi",
        "unit": org.division.pk,
        "classification": Classification.OFFICIAL,
        "purpose": "Berätta om hjärtforskningen.",
        "owner": factories.UserFactory(username="olivia").pk,
        "deputy": factories.UserFactory(username="david").pk,
    }


# Anonymous users


@pytest.mark.parametrize(
    "url_name",
    [
        "accounts:inventory",
        "accounts:mine",
        "accounts:create",
        "accounts:detail",
        "accounts:update",
        "org:unit-list",
        "org:unit-create",
        "org:unit-detail",
        "org:unit-update",
    ],
)
def test_anonymous_users_are_sent_to_the_login_page(client, url_name):
    """Every page of the registry needs a login; an anonymous visitor is redirected to it."""
    account = factories.SocialAccountFactory()
    args = {"accounts:detail": [account.pk], "accounts:update": [account.pk]}.get(url_name)
    if url_name in ("org:unit-detail", "org:unit-update"):
        args = [account.unit.pk]
    url = reverse(url_name, args=args)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_anonymous_post_to_create_writes_nothing(client, form_data):
    """An anonymous POST to the registration page is redirected to login and writes nothing."""
    response = client.post(CREATE, form_data)

    assert response.status_code == 302
    assert SocialAccount.objects.count() == 0
    assert AuditEvent.objects.count() == 0


# Who sees what


@pytest.mark.parametrize("role", ["comms", "auditor"])
def test_comms_and_auditors_see_every_account_in_the_inventory(client, role, request):
    """Comms and auditors see accounts in every status and classification."""
    accounts = every_kind_of_account()
    client.force_login(request.getfixturevalue(role))

    assert listed(client) == {a.pk for a in accounts.values()}


@pytest.mark.parametrize("role", ["comms", "auditor"])
def test_comms_and_auditors_open_every_account(client, role, request):
    """Comms and auditors open the detail page of accounts in every status and classification."""
    accounts = every_kind_of_account()
    client.force_login(request.getfixturevalue(role))

    assert {key: client.get(detail(a)).status_code for key, a in accounts.items()} == dict.fromkeys(accounts, 200)


def test_manager_sees_drafts_of_their_unit_and_of_every_unit_below(client, org):
    """RESP-1: the responsible manager sees their unit's accounts and those of units at depth 3 and 4 below it."""
    own = [
        factories.SocialAccountFactory(unit=unit, status=S.DRAFT, activated_at=None)
        for unit in (org.department, org.division, org.group)
    ]
    client.force_login(org.manager)

    assert listed(client) == {a.pk for a in own}
    assert [client.get(detail(a)).status_code for a in own] == [200, 200, 200]


def test_manager_does_not_see_a_sibling_units_draft(client, org):
    """RESP-1: a manager's view stops at their own subtree: a sibling unit's draft is neither listed nor opened."""
    sibling_draft = factories.SocialAccountFactory(unit=org.sibling, status=S.DRAFT, activated_at=None)
    above_draft = factories.SocialAccountFactory(unit=org.top, status=S.AWAITING_MANAGER, activated_at=None)
    client.force_login(org.manager)

    assert listed(client) == set()
    assert client.get(detail(sibling_draft)).status_code == 404
    assert client.get(detail(above_draft)).status_code == 404


def test_manager_sees_a_sibling_units_active_official_account(client, org):
    """Like every member of staff, a manager sees active official accounts outside their units."""
    active = factories.SocialAccountFactory(unit=org.sibling, status=S.ACTIVE)
    client.force_login(org.manager)

    assert listed(client) == {active.pk}


@pytest.mark.parametrize("role", [Role.OWNER, Role.DEPUTY])
def test_owner_and_deputy_see_their_own_draft(client, owner, role):
    """RES-2: the current owner or deputy sees their account in every state, drafts included."""
    draft = factories.SocialAccountFactory(status=S.DRAFT, activated_at=None)
    factories.AssignmentFactory(account=draft, person=owner, role=role)
    client.force_login(owner)

    assert listed(client) == {draft.pk}
    assert client.get(detail(draft)).status_code == 200


def test_former_owner_no_longer_sees_a_non_active_account(client, comms, owner):
    """RES-2: once their assignment has ended, a former owner no longer sees the account while it is not active."""
    account = factories.staffed_account(owner=owner, status=S.DECOMMISSIONING)
    client.force_login(owner)
    assert client.get(detail(account)).status_code == 200

    social_account_update(
        actor=comms,
        account_id=account.pk,
        owner=factories.UserFactory(),
        deputy=account.assignments.get(role=Role.DEPUTY).person,
    )

    assert listed(client) == set()
    assert client.get(detail(account)).status_code == 404


def test_other_staff_see_only_active_official_accounts_in_the_inventory(client, outsider):
    """PRIV-3: staff with no role see active official accounts only: no drafts, student ambassadors or closed ones."""
    accounts = every_kind_of_account()
    client.force_login(outsider)

    assert listed(client) == {accounts[S.ACTIVE].pk}


@pytest.mark.parametrize("kind", [*(s for s in S.values if s != S.ACTIVE), "student_ambassador"])
def test_other_staff_get_404_for_anything_but_active_official_accounts(client, outsider, kind):
    """PRIV-3: the detail of an account staff may not see answers 404, not 403 (its existence is not revealed)."""
    accounts = every_kind_of_account()
    client.force_login(outsider)

    assert client.get(detail(accounts[kind])).status_code == 404


def test_other_staff_open_an_active_official_account(client, outsider):
    """Any logged-in member of staff opens an active official account."""
    account = factories.staffed_account()
    client.force_login(outsider)

    assert client.get(detail(account)).status_code == 200


def test_detail_of_an_unknown_account_is_404(client, comms):
    """An account number that does not exist answers 404."""
    client.force_login(comms)

    assert client.get(reverse("accounts:detail", args=[999999])).status_code == 404


def test_my_accounts_lists_current_assignments_only(client, owner):
    """My accounts holds the accounts where the user is the current owner or deputy, not former ones."""
    owned = factories.staffed_account(owner=owner, status=S.DRAFT)
    deputised = factories.staffed_account(deputy=owner)
    former = factories.SocialAccountFactory()
    factories.AssignmentFactory(account=former, person=owner, started_at=owned.created_at, ended_at=owned.created_at)
    factories.staffed_account()
    client.force_login(owner)

    assert listed(client, MINE) == {owned.pk, deputised.pk}


# Registering and editing


def test_comms_opens_the_registration_page(client, comms):
    """The communications department gets the registration form."""
    client.force_login(comms)

    response = client.get(CREATE)

    assert response.status_code == 200
    assert "form" in response.context


def test_comms_registers_an_account_through_the_service(client, comms, form_data):
    """START-2: a valid registration creates the account, its owner and deputy and the audit rows, then shows it."""
    client.force_login(comms)

    response = client.post(CREATE, form_data)

    account = SocialAccount.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(account)
    assert (account.platform.slug, account.handle, account.status) == ("facebook", "kikardiologi", S.ACTIVE)
    assert account.created_by == comms
    current = {a.role: a.person.username for a in account.assignments.current()}
    assert current == {Role.OWNER: "olivia", Role.DEPUTY: "david"}
    assert sorted(AuditEvent.objects.for_object(account).values_list("action", flat=True)) == [
        "account.create",
        "assignment.deputy",
        "assignment.owner",
    ]
    assert AuditEvent.objects.count() == 3


@pytest.mark.parametrize("role", ["auditor", "outsider", "owner"])
def test_only_comms_may_open_the_registration_page(client, role, request):
    """Auditors (read-only) and other staff get 403 on the registration page."""
    client.force_login(request.getfixturevalue(role))

    assert client.get(CREATE).status_code == 403


@pytest.mark.parametrize("role", ["auditor", "outsider"])
def test_registration_post_by_others_is_refused_and_writes_nothing(client, role, request, form_data):
    """A registration posted by anyone but comms answers 403 and writes nothing."""
    client.force_login(request.getfixturevalue(role))

    response = client.post(CREATE, form_data)

    assert response.status_code == 403
    assert SocialAccount.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_invalid_registration_is_shown_again_with_the_error(client, comms, form_data):
    """RES-2: a registration with the same owner and deputy re-renders with the error and writes nothing."""
    form_data["deputy"] = form_data["owner"]
    client.force_login(comms)

    response = client.post(CREATE, form_data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["deputy"]
    assert "RES-2" in response.content.decode()
    assert SocialAccount.objects.count() == 0
    assert Assignment.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_registering_an_address_twice_names_the_existing_account(client, comms, form_data):
    """The registration page says which account already has the address; nothing is written."""
    existing = factories.SocialAccountFactory(
        name="Kardiologi på Facebook", platform=factories.platform("facebook"), handle="kikardiologi"
    )
    client.force_login(comms)

    response = client.post(CREATE, form_data)

    assert response.status_code == 200
    assert "url" in response.context["form"].errors
    assert "Kardiologi på Facebook" in response.content.decode()
    assert list(SocialAccount.objects.all()) == [existing]
    assert AuditEvent.objects.count() == 0


def test_comms_opens_the_edit_page_with_owner_and_deputy_filled_in(client, comms, owner):
    """The edit form starts from the account's current owner and deputy."""
    account = factories.staffed_account(owner=owner)
    client.force_login(comms)

    response = client.get(edit(account))

    assert response.status_code == 200
    assert response.context["form"].initial["owner"] == owner


def test_comms_edits_an_account_through_the_service(client, comms, org, form_data):
    """An edit saves the changed field and records it in account.update; owner and deputy stay."""
    client.force_login(comms)
    client.post(CREATE, form_data)
    account = SocialAccount.objects.get()

    response = client.post(edit(account), {**form_data, "name": "KI Hjärtforskning"})

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.name == "KI Hjärtforskning"
    event = AuditEvent.objects.get(action="account.update")
    assert (event.before, event.after) == ({"name": "KI Kardiologi"}, {"name": "KI Hjärtforskning"})
    assert Assignment.objects.count() == 2
    assert AuditEvent.objects.count() == 4


def test_auditor_cannot_edit_an_account_they_can_see(client, auditor):
    """Auditors are read-only: the edit page of an account they see answers 403, and a POST changes nothing."""
    account = factories.staffed_account(name="Oförändrat")
    client.force_login(auditor)

    assert client.get(detail(account)).status_code == 200
    assert client.get(edit(account)).status_code == 403
    assert client.post(edit(account), {"name": "Ändrat"}).status_code == 403
    account.refresh_from_db()
    assert account.name == "Oförändrat"
    assert AuditEvent.objects.count() == 0


def test_owner_cannot_edit_their_account_in_the_registry(client, owner):
    """The owner sees their account but the registry edit page is the communications department's: 403."""
    account = factories.staffed_account(owner=owner)
    client.force_login(owner)

    assert client.get(edit(account)).status_code == 403


def test_other_staff_get_403_editing_an_account_they_can_see(client, outsider):
    """Staff with no role may see an active official account but not edit it."""
    account = factories.staffed_account()
    client.force_login(outsider)

    assert client.get(edit(account)).status_code == 403


def test_other_staff_get_404_editing_a_draft_they_cannot_see(client, outsider):
    """The edit page of a draft the user cannot see answers 404 before 403, not revealing it exists."""
    draft = factories.SocialAccountFactory(status=S.DRAFT, activated_at=None, name="Oförändrat")
    client.force_login(outsider)

    assert client.get(edit(draft)).status_code == 404
    assert client.post(edit(draft), {"name": "Ändrat"}).status_code == 404
    draft.refresh_from_db()
    assert draft.name == "Oförändrat"


# Detail page


def test_detail_shows_the_owner_and_deputy_history(client, comms, org):
    """RES-2: the detail page lists who held each role and when, the former owner included."""
    first, deputy, second = (
        factories.UserFactory(first_name=n, last_name="Testsson") for n in ("Första", "Ersättare", "Andra")
    )
    account = social_account_create(
        actor=comms,
        owner=first,
        deputy=deputy,
        name="KI Kardiologi",
        platform=factories.platform("facebook"),
        handle="kikardiologi",
        url="https://facebook.com/kikardiologi",
        unit=org.division,
        purpose="Hjärtforskning.",
    )
    social_account_update(actor=comms, account_id=account.pk, owner=second, deputy=deputy)
    client.force_login(comms)

    response = client.get(detail(account))

    history = list(response.context["history"])
    assert [(a.role, a.person, a.is_current) for a in history] == [  # the most recent first
        (Role.OWNER, second, True),
        (Role.DEPUTY, deputy, True),
        (Role.OWNER, first, False),
    ]
    content = response.content.decode()
    assert all(name in content for name in ("Första Testsson", "Andra Testsson", "Ersättare Testsson"))


def test_detail_shows_the_audit_history(client, comms, org):
    """The detail page shows the account's audit events: who did what, newest first."""
    account = social_account_create(
        actor=comms,
        owner=factories.UserFactory(),
        deputy=factories.UserFactory(),
        name="KI Kardiologi",
        platform=factories.platform("facebook"),
        handle="kikardiologi",
        url="https://facebook.com/kikardiologi",
        unit=org.division,
        purpose="Hjärtforskning.",
    )
    social_account_update(actor=comms, account_id=account.pk, name="KI Hjärtforskning")
    client.force_login(comms)

    response = client.get(detail(account))

    events = list(response.context["audit_events"])
    assert [e.action for e in events][0] == "account.update"
    assert {e.action for e in events} == {"account.create", "assignment.owner", "assignment.deputy", "account.update"}
    content = response.content.decode()
    assert "Konto registrerat" in content  # the action in words, in Swedish
    assert "KI Hjärtforskning" in content
    assert comms.username in content


def test_detail_names_the_nearest_responsible_manager(client, comms, org):
    """RESP-1: an account of a unit without a manager shows the nearest manager above it."""
    account = factories.staffed_account(unit=org.group)
    client.force_login(comms)

    response = client.get(detail(account))

    assert (response.context["manager"], response.context["manager_unit"]) == (org.manager, org.department)
    assert str(org.manager) in response.content.decode()


# Filters, search, sorting and pages


def test_search_finds_a_name_regardless_of_case(client, comms):
    """q matches part of the account name, ignoring case."""
    found = factories.SocialAccountFactory(name="Karolinska Forskning")
    factories.SocialAccountFactory(name="Studera vid KI")
    client.force_login(comms)

    assert listed(client, q="FORSKNING") == {found.pk}


def test_search_finds_a_handle(client, comms):
    """q matches part of the handle."""
    found = factories.SocialAccountFactory(name="A", handle="neuroscienceki")
    factories.SocialAccountFactory(name="B", handle="studyatki")
    client.force_login(comms)

    assert listed(client, q="Neuro") == {found.pk}


def test_search_finds_an_address(client, comms):
    """q matches part of the profile address."""
    found = factories.SocialAccountFactory(
        name="A", handle="channel/UCa7Yd6Ww1dOEmTfjHcl0Mpw", url="https://youtube.com/channel/UCa7Yd6Ww1dOEmTfjHcl0Mpw"
    )
    factories.SocialAccountFactory(name="B")
    client.force_login(comms)

    assert listed(client, q="youtube.com") == {found.pk}


def test_search_with_no_match_lists_nothing(client, comms):
    """A search that matches nothing gives an empty inventory."""
    factories.SocialAccountFactory(name="Karolinska Forskning")
    client.force_login(comms)

    assert listed(client, q="zzzz") == set()


def test_unit_filter_includes_the_units_below(client, comms, org):
    """The unit filter lists the unit's accounts and those of units below it, not of a sibling unit."""
    inside = [factories.SocialAccountFactory(unit=u) for u in (org.department, org.division, org.group)]
    factories.SocialAccountFactory(unit=org.sibling)
    factories.SocialAccountFactory(unit=org.top)
    client.force_login(comms)

    assert listed(client, unit=org.department.pk) == {a.pk for a in inside}


def test_platform_filter(client, comms):
    """The platform filter lists that platform's accounts only."""
    youtube = factories.platform("youtube")
    found = factories.SocialAccountFactory(platform=youtube)
    factories.SocialAccountFactory(platform=factories.platform("instagram"))
    client.force_login(comms)

    assert listed(client, platform=youtube.pk) == {found.pk}


def test_status_filter(client, comms):
    """The status filter lists the accounts in that status only."""
    accounts = every_kind_of_account()
    client.force_login(comms)

    assert listed(client, status=S.DECOMMISSIONING) == {accounts[S.DECOMMISSIONING].pk}


def test_classification_filter(client, comms):
    """PRIV-3: the classification filter separates student ambassador accounts from official ones."""
    accounts = every_kind_of_account()
    client.force_login(comms)

    assert listed(client, classification=Classification.STUDENT_AMBASSADOR) == {accounts["student_ambassador"].pk}


def test_person_filter_lists_accounts_they_currently_own_or_deputise(client, comms, owner):
    """The person filter lists accounts where the person is the current owner or deputy, not former ones."""
    owned = factories.staffed_account(owner=owner)
    deputised = factories.staffed_account(deputy=owner)
    former = factories.SocialAccountFactory()
    factories.AssignmentFactory(account=former, person=owner, started_at=owned.created_at, ended_at=owned.created_at)
    factories.staffed_account()
    client.force_login(comms)

    assert listed(client, person=owner.pk) == {owned.pk, deputised.pk}


@pytest.mark.parametrize(
    ("sort", "expected"), [("name", ["Alfa", "Bravo", "Charlie"]), ("-name", ["Charlie", "Bravo", "Alfa"])]
)
def test_inventory_sorts_by_name(client, comms, sort, expected):
    """sort=name sorts the inventory A–Z, sort=-name Z–A."""
    for name in ("Bravo", "Charlie", "Alfa"):
        factories.SocialAccountFactory(name=name)
    client.force_login(comms)

    response = client.get(INVENTORY, {"sort": sort})

    assert [a.name for a in response.context["accounts"]] == expected


def test_inventory_shows_25_accounts_a_page(client, comms):
    """The inventory is paged 25 at a time; the second page holds the rest."""
    unit = factories.UnitFactory()
    accounts = factories.SocialAccountFactory.create_batch(30, unit=unit)
    client.force_login(comms)

    first = client.get(INVENTORY)
    second = client.get(INVENTORY, {"page": 2})

    assert first.context["paginator"].count == 30
    assert len(first.context["accounts"]) == 25
    assert len(second.context["accounts"]) == 5
    assert {a.pk for a in (*first.context["accounts"], *second.context["accounts"])} == {a.pk for a in accounts}


def test_pages_keep_the_filter(client, comms):
    """The link to the next page carries the filter, and the filtered second page holds the rest."""
    factories.SocialAccountFactory.create_batch(27, status=S.ACTIVE)
    factories.SocialAccountFactory.create_batch(3, status=S.DRAFT)
    client.force_login(comms)

    first = client.get(INVENTORY, {"status": S.ACTIVE})
    second = client.get(INVENTORY, {"status": S.ACTIVE, "page": 2})

    assert "status=active&amp;page=2" in first.content.decode()
    assert first.context["paginator"].count == 27
    assert {a.status for a in second.context["accounts"]} == {S.ACTIVE}
    assert len(second.context["accounts"]) == 2


# Query counts


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_inventory_queries_do_not_grow_with_the_number_of_accounts(client, comms):
    """The inventory as comms runs as many queries for 200 accounts (with owner and deputy) as for 5."""
    unit = factories.UnitFactory()
    for _ in range(5):
        factories.staffed_account(unit=unit)
    client.force_login(comms)
    queries_for(client, INVENTORY)  # warm: the unit options are read once, then kept (org.unit_cache)
    few = queries_for(client, INVENTORY)

    for _ in range(195):
        factories.staffed_account(unit=unit)
    many = queries_for(client, INVENTORY)

    assert few == many
    # Session, user, groups, count, page, prefetch and the filter form's choices: a handful, never per row.
    assert many <= 15


def test_my_accounts_queries_do_not_grow_with_the_number_of_accounts(client, owner):
    """My accounts runs as many queries for 200 held accounts as for 5."""
    unit = factories.UnitFactory()
    for _ in range(5):
        factories.staffed_account(owner=owner, unit=unit)
    client.force_login(owner)
    few = queries_for(client, MINE)

    for _ in range(195):
        factories.staffed_account(deputy=owner, unit=unit)
    many = queries_for(client, MINE)

    assert few == many
    page = client.get(MINE).context
    assert (len(page["accounts"]), page["paginator"].count) == (PAGE_SIZE, 200)


def test_detail_queries_do_not_grow_with_the_history(client, comms, org):
    """The detail page runs as many queries for a long owner history as for a short one."""
    account = factories.staffed_account(unit=org.group)
    client.force_login(comms)
    short = queries_for(client, detail(account))

    deputy = account.assignments.get(role=Role.DEPUTY).person
    for _ in range(10):
        social_account_update(actor=comms, account_id=account.pk, owner=factories.UserFactory(), deputy=deputy)
    long = queries_for(client, detail(account))

    assert short == long
