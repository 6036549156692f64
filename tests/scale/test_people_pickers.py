"""Issue 12: no page lists every person (or every account) as options. With 3 000 people and
3 000 accounts, every page that shows a person field or filter, or an account picker (the
records request's accounts, the registers' account filter), stays under MAX_HTML_BYTES and holds
no option per person or per account: the pickers (core.widgets.SearchSelect) render only what is
chosen and search for the rest.

Two checks, so that a field that goes back to a ``<select>`` fails one of them:

- every form and filter class of the portal (what the URL conf imports) is inspected: a choice
  field over people or accounts must use SearchSelect (a new form is checked without being
  listed here);
- every page with such a field is rendered with the crowd (the fields that __init__ adds, such as
  the leaver's handover form's, exist only there). The crowd hold accounts, so that a field
  limited to current owners and deputies would list them too.
"""

import django_filters
import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from accounts.choices import AccountStatus, Classification, Role
from accounts.models import Assignment, SocialAccount
from core.widgets import SearchSelect
from org.fields import PersonField
from org.models import User
from tests import factories
from tests.scale.flat import MAX_HTML_BYTES

PEOPLE = 3_000
ACCOUNTS = 3_000


@pytest.fixture
def crowd(db):
    """3 000 active people and 3 000 active accounts, each person the owner of one (bulk)."""
    people = User.objects.bulk_create(
        User(
            username=f"crowd{i:04d}",
            first_name=f"Förnamn{i:04d}",
            last_name=f"Efternamn{i:04d}",
            email=f"crowd{i:04d}@ki.se",
            password="!",
        )
        for i in range(PEOPLE)
    )
    unit = factories.UnitFactory()
    platform = factories.platform()
    accounts = SocialAccount.objects.bulk_create(
        SocialAccount(
            name=f"Crowd account {i:04d}",
            platform=platform,
            handle=f"crowdaccount{i:04d}",
            url=f"https://instagram.com/crowdaccount{i:04d}",
            unit=unit,
            classification=Classification.OFFICIAL,
            status=AccountStatus.ACTIVE,
        )
        for i in range(ACCOUNTS)
    )
    Assignment.objects.bulk_create(
        Assignment(account=account, person=person, role=Role.OWNER, started_at=timezone.now())
        for account, person in zip(accounts, people, strict=False)
    )


def _pages(comms, owner, registrar, account, draft, unit):
    """(who, url) of every page with a person or account picker (docstring of the module)."""
    leaver = factories.UserFactory(left_on=timezone.localdate(), is_active=False)
    factories.staffed_account(owner=leaver, unit=unit)
    factories.staffed_account(deputy=leaver, unit=unit)
    platform = factories.platform()
    return [
        (comms, reverse("accounts:inventory") + f"?person={owner.pk}"),
        (comms, reverse("accounts:create")),
        (comms, reverse("accounts:update", args=[account.pk])),
        (owner, reverse("approvals:request-create")),
        (owner, reverse("approvals:request-update", args=[draft.pk])),
        (comms, reverse("approvals:detail", args=[account.pk])),  # handover and new deputy
        (comms, reverse("org:unit-create")),
        (comms, reverse("org:unit-update", args=[unit.pk])),
        (registrar, reverse("records:request-list")),  # the records request's accounts
        (comms, reverse("org:unit-detail", args=[unit.pk])),  # its responsible manager
        (owner, reverse("accounts:publisher-add", args=[account.pk])),  # START-1
        (comms, reverse("monitoring:cover", args=[account.pk])),  # the stand-in (MON-2)
        (comms, reverse("people:handover", args=[leaver.pk])),  # each account's new owner and deputy
        (comms, reverse("platforms:create")),  # who reviewed the terms of service
        (comms, reverse("platforms:update", args=[platform.pk])),
    ] + [
        (user, reverse("registers:register", args=[slug]))  # the account filter of every register
        for user, slug in [
            (comms, "removed-posts"),
            (comms, "questions"),
            (comms, "blocks"),
            (comms, "media-consents"),
            (registrar, "records-requests"),
            (comms, "decisions"),
        ]
    ]


@pytest.mark.django_db
def test_every_picker_page_stays_small_with_3000_people_and_accounts(
    client, crowd, comms, owner, deputy, manager, registrar
):
    account = factories.staffed_account(owner=owner, deputy=deputy, unit=factories.UnitFactory(manager=manager))
    draft = factories.SocialAccountFactory(status=AccountStatus.DRAFT, created_by=owner, unit=account.unit)
    sizes = {}
    for user, url in _pages(comms, owner, registrar, account, draft, account.unit):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        html = response.content.decode()
        sizes[url] = len(response.content)
        assert len(response.content) < MAX_HTML_BYTES, (url, len(response.content))
        assert "crowd0" not in html and "Crowd account 0" not in html, f"{url} lists the crowd"
        assert html.count("<option") < 200, (url, html.count("<option"))
        assert "data-search-select" in html, f"{url} has no picker"
    print("\n".join(f"{size:>8} {url}" for url, size in sizes.items()))


@pytest.mark.django_db
def test_the_pickers_show_only_the_chosen_people(client, crowd, comms, owner, deputy, manager):
    """The account's edit page names its owner and deputy (and only them) in its pickers."""
    account = factories.staffed_account(owner=owner, deputy=deputy, unit=factories.UnitFactory(manager=manager))
    client.force_login(comms)
    html = client.get(reverse("accounts:update", args=[account.pk])).content.decode()
    assert f'data-chosen-id="{owner.pk}"' in html
    assert f'data-chosen-id="{deputy.pk}"' in html
    assert 'value="owner"' in html  # the username: what the text box takes without JavaScript


# --------------------------------------------------------------------------- every form class


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


PORTAL = ("accounts.", "approvals.", "audit.", "core.", "monitoring.", "notifications.", "org.", "records.")
PORTAL += ("reports.", "watching.")


def _picks_people_or_accounts(field) -> bool:
    queryset = getattr(field, "queryset", None)
    return queryset is not None and queryset.model in (User, SocialAccount)


def selects_of_everyone(form_class) -> list[str]:
    """The fields of a form (or FilterSet) class that choose a person or an account from a
    ``<select>`` of them all instead of a search (core.widgets.SearchSelect)."""
    if issubclass(form_class, django_filters.FilterSet):
        fields = {name: f.field for name, f in form_class.base_filters.items()}
    else:
        fields = form_class.base_fields
    return [
        f"{form_class.__module__}.{form_class.__qualname__}.{name}"
        for name, field in fields.items()
        if isinstance(field, forms.ModelChoiceField)
        and _picks_people_or_accounts(field)
        and not isinstance(field.widget, SearchSelect)
    ]


def portal_form_classes() -> list[type]:
    import kipolicy.urls  # noqa: F401 -- imports every view, and so every form and filter

    found = {*_subclasses(forms.BaseForm), *_subclasses(django_filters.FilterSet)}
    return sorted((c for c in found if c.__module__.startswith(PORTAL)), key=lambda c: c.__qualname__)


@pytest.mark.django_db
def test_no_form_or_filter_of_the_portal_offers_a_select_of_every_person_or_account():
    """Issue 12: every person and account field of every form and filter is a search."""
    classes = portal_form_classes()
    assert len(classes) > 40  # the inspection sees the portal's forms
    checked = [c for c in classes if any(_picks_people_or_accounts(f) for f in _fields(c))]
    assert len(checked) >= 8, checked  # the owner/deputy, handover, publisher, cover, filters, …
    assert [bad for c in classes for bad in selects_of_everyone(c)] == []


def _fields(form_class):
    if issubclass(form_class, django_filters.FilterSet):
        return [f.field for f in form_class.base_filters.values()]
    return list(form_class.base_fields.values())


@pytest.mark.django_db
def test_the_inspection_finds_a_select_of_every_person():
    """The check above fails for a form whose person field went back to a plain select."""
    from monitoring.forms import CoverForm

    class Regressed(CoverForm):
        stand_in = forms.ModelChoiceField(queryset=User.objects.filter(is_active=True), required=False)

    class Searched(CoverForm):
        stand_in = PersonField(required=False)

    assert selects_of_everyone(Regressed) == [f"{__name__}.{Regressed.__qualname__}.stand_in"]
    assert selects_of_everyone(Searched) == []
