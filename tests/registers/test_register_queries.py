"""The shape of the registers' queries (issue 12, docs/registers.md "Scale"): what keeps them flat
at 100 000 accounts, checked on the SQL so that a change that brings back a read of every account
fails here and not only in the benchmark.

- comms (who read every account) get the records with no condition on the accounts at all;
- the unit, account and platform filters are one subquery of the accounts, not one each;
- a manager's scope tests each record's account's unit (looked up by the key) against the ids of
  the units they manage, an owner's the record's account against their assignments, and the
  scope equals SocialAccount.objects.with_evidence_for;
- the comms queues' "governed account" test is "not on an ungoverned account": governed() and
  ungoverned() split every status between them.
"""

import pytest

from accounts.choices import AccountStatus
from accounts.models import SocialAccount
from accounts.registers import REGISTERS, filtered
from monitoring.rules import governed, ungoverned
from tests import factories
from tests.registers import data

pytestmark = pytest.mark.django_db

EVIDENCE_REGISTERS = ("removed-posts", "questions", "blocks", "media-consents")
ACCOUNTS = 'FROM "accounts_socialaccount"'


def _where_sql(qs) -> str:
    # Only the selection: the page's select_related joins the account to show it.
    return str(qs.order_by().values("pk").query)


@pytest.mark.parametrize("slug", EVIDENCE_REGISTERS)
def test_comms_read_the_records_with_no_condition_on_the_accounts(comms, evidence_account, slug):
    data.one_of_each(evidence_account)
    qs = REGISTERS[slug].selector(comms)
    assert "accounts_socialaccount" not in _where_sql(qs)
    assert qs.count() == 1


def test_unit_account_and_platform_are_one_subquery_of_the_accounts(comms, evidence_account):
    data.incident(evidence_account)
    other = factories.staffed_account(unit=evidence_account.unit)
    data.incident(other)
    query = {"unit": evidence_account.unit.pk, "platform": evidence_account.platform_id, "account": evidence_account.pk}
    _filterset, qs = filtered(REGISTERS["removed-posts"], user=comms, data=query)
    assert _where_sql(qs).count(ACCOUNTS) == 1
    assert [r.account_id for r in qs] == [evidence_account.pk]


@pytest.mark.parametrize("who", ["owner", "manager", "deputy"])
@pytest.mark.parametrize("slug", EVIDENCE_REGISTERS)
def test_the_scope_is_the_accounts_whose_evidence_the_user_may_see(evidence_account, slug, who, request):
    user = request.getfixturevalue(who)
    data.one_of_each(evidence_account)
    data.one_of_each(data.hidden_account())
    records = REGISTERS[slug].selector(user)
    seen = set(records.values_list("account_id", flat=True))
    assert seen == {evidence_account.pk}
    assert seen <= set(SocialAccount.objects.with_evidence_for(user).values_list("pk", flat=True))


def test_a_manager_scope_looks_up_each_record_account_unit(manager, evidence_account):
    sql = _where_sql(REGISTERS["questions"].selector(manager))
    # The record's account's unit, by the account's key, among the managed units' ids: no list
    # of the department's accounts, no subquery of units.
    assert 'WHERE U0."id" = ("records_inquiry"."account_id") LIMIT 1) IN (' in sql
    assert "org_unit" not in sql


def test_governed_and_ungoverned_split_every_status():
    for status in AccountStatus.values:
        factories.SocialAccountFactory(status=status)
    every = set(SocialAccount.objects.values_list("pk", flat=True))
    on = set(governed().values_list("pk", flat=True))
    off = set(ungoverned().values_list("pk", flat=True))
    assert on | off == every
    assert not on & off
