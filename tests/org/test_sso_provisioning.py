"""org.sso.sign_in: from verified claims to a portal user, the same for OIDC and SAML (issue 13).
The protocol layers (signatures, audience, expiry, replay) are tested against real identity
providers in their own modules; these tests cover what follows a verified answer."""

import pytest
from django.contrib.auth.models import Group

from audit.models import AuditEvent
from org import roles
from org.models import ExternalIdentity, User
from org.sso import Claims, SignInRefused, sign_in
from tests import factories


def claims(**overrides) -> Claims:
    values = {
        "provider": "saml",
        "subject": "anna.svensson@ki.se",
        "email": "anna.svensson@ki.se",
        "first_name": "Anna",
        "last_name": "Svensson",
        "language": "en",
    }
    return Claims(**{**values, **overrides})


def test_a_first_login_creates_the_user_with_the_claims_and_audits_it(db):
    user = sign_in(claims())
    assert (user.username, user.get_full_name(), user.email, user.language) == (
        "anna.svensson@ki.se",
        "Anna Svensson",
        "anna.svensson@ki.se",
        "en",
    )
    assert not user.has_usable_password()
    assert ExternalIdentity.objects.get(provider="saml", subject="anna.svensson@ki.se").user == user
    event = AuditEvent.objects.get(action="user.create")
    assert (event.actor_repr, event.after["email"]) == ("system:sso", "anna.svensson@ki.se")


def test_a_returning_person_is_found_by_subject_and_a_changed_name_updates_them(db):
    first = sign_in(claims())
    again = sign_in(claims(email="anna.s@ki.se", last_name="Berg"))
    assert again.pk == first.pk
    assert (again.email, again.last_name) == ("anna.s@ki.se", "Berg")
    event = AuditEvent.objects.get(action="user.update")
    assert event.before == {"last_name": "Svensson", "email": "anna.svensson@ki.se"}
    assert User.objects.count() == 1


def test_a_pending_person_is_linked_by_e_mail_at_the_first_login(db):
    pending = factories.UserFactory(username="imported-anna", email="Anna.Svensson@ki.se", last_login=None)
    assert pending.is_pending
    user = sign_in(claims())
    assert user.pk == pending.pk
    assert User.objects.count() == 1


def test_an_unknown_person_is_refused_when_auto_create_is_off_and_nothing_is_created(db, settings):
    settings.SSO_CREATE_USERS = False
    with pytest.raises(SignInRefused) as refused:
        sign_in(claims())
    assert refused.value.reason == "unknown-user"
    assert not User.objects.exists() and not ExternalIdentity.objects.exists()
    event = AuditEvent.objects.get(action="login.sso_refused")
    assert event.after["reason"] == "unknown-user"


def test_a_person_who_left_is_refused_and_not_linked(db):
    import datetime

    factories.UserFactory(username="gone", email="anna.svensson@ki.se", left_on=datetime.date(2026, 1, 31))
    with pytest.raises(SignInRefused) as refused:
        sign_in(claims())
    assert refused.value.reason == "left"
    assert not ExternalIdentity.objects.exists()
    assert AuditEvent.objects.filter(action="login.sso_refused").count() == 1


def test_the_role_map_grants_and_later_revokes_the_roles_it_names(db, settings):
    settings.SSO_ROLE_MAP = {"urn:mace:ki.se:kommunikation": roles.COMMS}
    auditor = Group.objects.get(name=roles.AUDITOR)
    user = sign_in(claims(entitlements=frozenset({"urn:mace:ki.se:kommunikation"})))
    user.groups.add(auditor)  # granted on the People page: not the provider's to decide
    assert roles.is_comms(User.objects.get(pk=user.pk))
    user = sign_in(claims(entitlements=frozenset()))
    user = User.objects.get(pk=user.pk)
    assert not roles.is_comms(user) and roles.is_auditor(user)
    assert list(
        AuditEvent.objects.filter(action__startswith="role.").order_by("id").values_list("action", "after__role")
    ) == [
        ("role.grant", "comms"),
        ("role.revoke", "comms"),
    ]


def test_a_person_the_provider_no_longer_names_as_staff_is_marked_as_left_and_refused(db, settings):
    """Issue 13, leavers by the SSO mapping (RES-2): with SSO_STAFF_AFFILIATIONS set, a login whose
    affiliations hold no staff value marks the known person as left (system:sso, user.leave) and
    is refused; affiliations that do hold one, or none sent at all, change nothing."""
    settings.SSO_STAFF_AFFILIATIONS = frozenset({"employee", "staff"})
    user = sign_in(claims(affiliations=frozenset({"employee@ki.se", "member@ki.se"})))
    assert sign_in(claims()).pk == user.pk  # no affiliations released: nothing decided
    with pytest.raises(SignInRefused) as refused:
        sign_in(claims(affiliations=frozenset({"member@ki.se", "alum@ki.se"})))
    assert refused.value.reason == "not-staff"
    user.refresh_from_db()
    assert user.left_on is not None and not user.is_active
    leave = AuditEvent.objects.get(action="user.leave")
    assert (leave.actor_repr, leave.object_id) == ("system:sso", str(user.pk))
    assert AuditEvent.objects.filter(action="login.sso_refused", after__reason="not-staff").count() == 1


def test_an_unknown_person_who_is_not_staff_is_not_created(db, settings):
    settings.SSO_STAFF_AFFILIATIONS = frozenset({"employee"})
    with pytest.raises(SignInRefused):
        sign_in(claims(affiliations=frozenset({"student@ki.se"})))
    assert not User.objects.exists()
