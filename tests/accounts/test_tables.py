"""The account tables' rows written in Python (accounts.tables, issue 12, third pass): they must
say exactly what the template loop they replace said, and the unit filters' options kept while
the unit tree is unchanged (org.unit_cache) must follow every change of a unit at once."""

import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts import extensions, selectors
from accounts.choices import AccountStatus, Classification, Role
from accounts.directory import DirectoryEntry
from accounts.models import SocialAccount
from accounts.tables import account_rows, directory_rows
from org import services as org_services
from org.choices import UnitKind
from org.models import Unit
from tests import factories

pytestmark = pytest.mark.django_db

# The rows as templates/accounts/includes/_account_table.html and templates/accounts/directory.html
# wrote them before issue 12's third pass.
ACCOUNT_ROWS_TEMPLATE = """{% load i18n %}
    {% for account in accounts %}
    <tr>
      <td><a href="{{ account.get_absolute_url }}">{{ account.name }}</a>
        {% if not account.is_official %}<br><span class="badge text-bg-warning">{% translate "Student ambassador – not official" %}</span>{% endif %}</td>
      <td>{{ account.platform.name }}{% if account.handle %}<br><span class="small text-body-secondary">{{ account.handle }}</span>{% endif %}</td>
      <td>{{ account.unit }}</td>
      <td>{% for a in account.current_assignments %}{% if a.role == "owner" %}{{ a.person }}{% endif %}{% empty %}<span class="text-body-secondary">–</span>{% endfor %}</td>
      <td>{% for a in account.current_assignments %}{% if a.role == "deputy" %}{{ a.person }}{% endif %}{% endfor %}</td>
      <td><span class="status-badge">{{ account.get_status_display }}</span></td>
      <td>{% for f in account.open_findings %}<span class="badge text-bg-{% if f.severity == 'high' %}danger{% else %}warning{% endif %} rule-badge me-1" title="{{ f.rule }}" data-rule="{{ f.rule }}">{{ f.title }}</span>
{% empty %}<span class="visually-hidden">{% translate "No findings" %}</span>{% endfor %}</td>
    </tr>
    {% empty %}
    <tr><td colspan="7">{% translate "No accounts." %}</td></tr>
    {% endfor %}"""  # noqa: E501

DIRECTORY_ROWS_TEMPLATE = """{% load i18n %}
        {% for entry in entries %}
        <tr data-classification="{{ entry.classification }}">
          <th scope="row">{{ entry.name }}{% if entry.handle %}<br><span class="small fw-normal">{{ entry.handle }}</span>{% endif %}</th>
          <td>{{ entry.platform_name }}</td>
          <td>{{ entry.unit.display_name }}{% if entry.unit_chain|length > 1 %}<br><span class="small text-body-secondary">{{ entry.units_above }}</span>{% endif %}</td>
          <td class="text-break">{% if entry.url %}<a href="{{ entry.url }}" rel="noopener noreferrer nofollow">{{ entry.url }}</a>{% endif %}</td>
          <td>{% if entry.is_official %}<span class="badge text-bg-success" data-label="official">{{ entry.classification_label }}</span>{% else %}<span class="badge text-bg-warning" data-label="student_ambassador">{{ entry.classification_label }}</span> <span class="small">{% translate "not an official KI channel (PRIV-3)" %}</span>{% endif %}</td>
        </tr>
        {% endfor %}"""  # noqa: E501


def same_html(a: str) -> str:
    """HTML with the whitespace between tags dropped and other runs of whitespace as one space."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(a))).strip()


def table_page(accounts: list[SocialAccount]) -> list[SocialAccount]:
    """The accounts as the inventory reads a page of them (table_rows, table_keepers, annotators)."""
    qs = selectors.table_rows(SocialAccount.objects.filter(pk__in=[a.pk for a in accounts])).order_by("name", "id")
    return extensions.annotate(selectors.table_keepers(qs))


@pytest.fixture
def tricky_accounts(owner, deputy):
    """Accounts with every case a row has: a name to escape, no handle, a student ambassador's
    account (PRIV-3), an owner but no deputy, a deputy but no owner, nobody (RES-2), statuses."""
    unit = factories.UnitFactory(name="Institutionen <för> medicin", name_en="Department & Medicine")
    both = factories.staffed_account(owner=owner, deputy=deputy, unit=unit, name="A <b>\"bold\"</b> & 'quoted'")
    ambassador = factories.SocialAccountFactory(
        unit=unit, name="B ambassador", handle="", classification=Classification.STUDENT_AMBASSADOR
    )
    factories.AssignmentFactory(account=ambassador, person=owner, role=Role.OWNER)
    deputy_only = factories.SocialAccountFactory(unit=unit, name="C deputy only", status=AccountStatus.DRAFT)
    factories.AssignmentFactory(account=deputy_only, person=deputy, role=Role.DEPUTY)
    nobody = factories.SocialAccountFactory(unit=unit, name="D nobody", status=AccountStatus.DECOMMISSIONED)
    return [both, ambassador, deputy_only, nobody]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_account_rows_say_what_the_template_said(tricky_accounts, language):
    """Issue 12: the inventory's, a unit's and "My accounts" rows are the same after the rows
    moved from the template to Python: names escaped, the student ambassador's badge (PRIV-3),
    the owner and the deputy or a dash (RES-2), the status and the findings' badges."""
    with translation.override(language):
        accounts = table_page(tricky_accounts)
        accounts[0].open_findings = [
            SimpleNamespace(severity="high", rule="no-owner", title="No <owner>"),
            SimpleNamespace(severity="medium", rule="a&b", title="Second"),
        ]
        expected = Template(ACCOUNT_ROWS_TEMPLATE).render(Context({"accounts": accounts}))
        written = account_rows(accounts)
    assert same_html(written) == same_html(expected)
    assert "&lt;b&gt;&quot;bold&quot;&lt;/b&gt; &amp; &#x27;quoted&#x27;" in written
    # A dash only where nobody holds the account; a deputy without an owner leaves the cell empty.
    assert written.count('<span class="text-body-secondary">–</span>') == 1


def test_no_accounts_is_said_in_a_row(english):
    """An empty table still has a row that says so (the table's headers stay for screen readers)."""
    assert same_html(account_rows([])) == same_html(Template(ACCOUNT_ROWS_TEMPLATE).render(Context({"accounts": []})))


def test_my_accounts_rows_with_prefetched_assignments(tricky_accounts, owner, client):
    """ "My accounts" reads whole assignments (a prefetch), the inventory Keepers: both write the
    same names (User.__str__ and org.models.person_name agree)."""
    mine = list(selectors.social_account_mine(user=owner).order_by("name", "id"))
    kept = table_page(mine)
    for account in mine:
        account.open_findings = []
    assert same_html(account_rows(mine)) == same_html(account_rows(kept))
    assert "Olivia Ägare" in account_rows(mine)


def test_the_directory_rows_say_what_the_template_said(english):
    """Issue 12: the public directory's rows are the same after they moved to Python: the units
    above, the address (escaped), and the student ambassador's account said not official (PRIV-3)."""
    root = Unit(pk=1, name="Karolinska Institutet", name_en="", path="00000001/", depth=1)
    dept = Unit(pk=2, name="Institutionen för <medicin>", name_en="Department of Medicine", path="00000001/00000002/")
    entries = [
        DirectoryEntry("KI & co", "ki", "https://x.com/ki?a=1&b=2", "official", "x", "X", dept, (root, dept)),
        DirectoryEntry("Ambassador", "", "", "student_ambassador", "x", "X", root, (root,)),
    ]
    expected = Template(DIRECTORY_ROWS_TEMPLATE).render(Context({"entries": entries}))
    assert same_html(directory_rows(entries)) == same_html(expected)
    assert 'href="https://x.com/ki?a=1&amp;b=2"' in directory_rows(entries)


def _unit_option_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("accounts:inventory")).status_code == 200
    return [q["sql"] for q in captured.captured_queries if '"org_unit"."name_en"' in q["sql"]]


def test_the_unit_options_are_read_once_while_the_tree_is_unchanged(client, comms):
    """Issue 12: the inventory's unit filter reads the units once, then uses what it kept."""
    factories.UnitFactory(name="Enheten")
    client.force_login(comms)
    assert _unit_option_queries(client)
    assert _unit_option_queries(client) == []


def test_a_unit_changed_by_the_services_shows_in_the_filter_at_once(client, comms):
    """A unit created, renamed or closed through org.services shows as it is on the next page,
    whatever the inventory kept: no stale option."""
    root = org_services.unit_create(actor=comms, name="KI", kind=UnitKind.UNIVERSITY_ADMINISTRATION)
    client.force_login(comms)
    assert ">KI</option>" in client.get(reverse("accounts:inventory")).content.decode()
    unit = org_services.unit_create(actor=comms, name="Ny institution", kind=UnitKind.DEPARTMENT, parent=root)
    assert ">Ny institution</option>" in client.get(reverse("accounts:inventory")).content.decode()
    org_services.unit_update(actor=comms, unit_id=unit.pk, name="Omdöpt institution")
    page = client.get(reverse("accounts:inventory")).content.decode()
    assert ">Omdöpt institution</option>" in page and "Ny institution" not in page
    successor = org_services.unit_create(actor=comms, name="Efterträdare", kind=UnitKind.DEPARTMENT, parent=root)
    org_services.unit_close(actor=comms, unit_id=unit.pk, successor_id=successor.pk, closed_on=root.created_at.date())
    assert "Omdöpt institution" not in client.get(reverse("accounts:inventory")).content.decode()
