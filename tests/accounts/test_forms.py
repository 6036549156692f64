import pytest

from accounts.choices import Classification
from accounts.forms import SocialAccountForm
from accounts.models import Assignment, SocialAccount
from accounts.urlparse import MSG_NOT_PROFILE, MSG_POST, MSG_UNKNOWN
from audit.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return factories.UnitFactory()


@pytest.fixture
def data(unit, owner, deputy):
    """A complete registration as the browser posts it."""
    return {
        "name": "Karolinska Institutet",
        "url": "https://www.Instagram.com/KarolinskaInstitutet/?igshid=x",
        "unit": unit.pk,
        "classification": Classification.OFFICIAL,
        "purpose": "Berätta om forskningen vid KI.",
        "owner": owner.pk,
        "deputy": deputy.pk,
    }


def no_rows(existing: int = 0) -> bool:
    return (SocialAccount.objects.count(), Assignment.objects.count(), AuditEvent.objects.count()) == (existing, 0, 0)


def test_form_recognises_platform_and_handle_from_a_pasted_address(data):
    """A pasted profile address, in any spelling, gives the platform and the normalised handle."""
    form = SocialAccountForm(data=data)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["platform"].slug == "instagram"
    assert form.cleaned_data["handle"] == "karolinskainstitutet"
    assert form.cleaned_data["url"] == "https://instagram.com/karolinskainstitutet"
    assert no_rows()


def test_form_accepts_an_address_without_scheme(data):
    """An address pasted without https:// is recognised too."""
    data["url"] = "x.com/KarolinskaInst"

    form = SocialAccountForm(data=data)

    assert form.is_valid(), form.errors
    assert (form.cleaned_data["platform"].slug, form.cleaned_data["handle"]) == ("x", "karolinskainst")


def test_service_data_holds_what_the_service_takes(data, owner, deputy, unit):
    """service_data() passes the recognised platform and handle, the owner and deputy, and the form fields."""
    form = SocialAccountForm(data=data)
    assert form.is_valid(), form.errors

    service_data = form.service_data()

    assert service_data["platform"].slug == "instagram"
    assert service_data["handle"] == "karolinskainstitutet"
    assert (service_data["owner"], service_data["deputy"], service_data["unit"]) == (owner, deputy, unit)
    assert "status" not in service_data


def test_an_address_already_registered_names_the_existing_account(data):
    """The error for an address already in the registry names that account and its number; nothing is written."""
    existing = factories.SocialAccountFactory(
        name="KI Instagram", platform=factories.platform("instagram"), handle="karolinskainstitutet"
    )

    form = SocialAccountForm(data=data)

    assert not form.is_valid()
    [error] = form.errors["url"]
    assert "KI Instagram" in error
    assert str(existing.pk) in error
    assert no_rows(existing=1)


def test_editing_an_account_does_not_clash_with_its_own_address(data):
    """An account's own address is not reported as already registered when the account is edited."""
    account = factories.SocialAccountFactory(platform=factories.platform("instagram"), handle="karolinskainstitutet")

    form = SocialAccountForm(data=data, instance=account)

    assert form.is_valid(), form.errors


def test_deputy_cannot_be_the_owner(data, owner):
    """RES-2: the form refuses the same person as owner and deputy, on the deputy field; nothing is written."""
    data["deputy"] = owner.pk

    form = SocialAccountForm(data=data)

    assert not form.is_valid()
    assert list(form.errors) == ["deputy"]
    assert "RES-2" in form.errors["deputy"][0]
    assert no_rows()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://www.instagram.com/", MSG_NOT_PROFILE),
        ("https://www.instagram.com/p/C1a2b3c4d5/", MSG_POST),
        ("https://www.ki.se/om-ki", MSG_UNKNOWN),
    ],
)
def test_an_address_that_is_not_a_profile_is_refused(data, url, message):
    """An address that does not lead to a profile page gets the recogniser's message; nothing is written."""
    data["url"] = url

    form = SocialAccountForm(data=data)

    assert not form.is_valid()
    assert form.errors["url"] == [str(message)]
    assert no_rows()


def test_the_address_is_required(data):
    """A registration without an address is refused."""
    data["url"] = ""

    form = SocialAccountForm(data=data)

    assert not form.is_valid()
    assert "url" in form.errors
    assert no_rows()


def test_owner_and_deputy_are_required(data):
    """RES-2: a registration without owner and deputy is refused."""
    del data["owner"], data["deputy"]

    form = SocialAccountForm(data=data)

    assert not form.is_valid()
    assert {"owner", "deputy"} <= set(form.errors)
    assert no_rows()


def test_inactive_people_cannot_be_appointed(data, owner):
    """Someone who has left KI (inactive user) cannot be appointed owner."""
    owner.is_active = False
    owner.save()

    form = SocialAccountForm(data=data)

    assert not form.is_valid()
    assert "owner" in form.errors
